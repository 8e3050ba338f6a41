-- ardour7-lua create.lua <session_dir> <name> <length_samples>
-- A new 48 kHz session (Ardour's "None (Dummy)" backend starts by itself) with one mono track named DI, the
-- BlackBox VST3 as its first plugin, and a silent region of the clip's length for the clip to replace: Ardour
-- 7.3 has no headless import.
local dir, name, len = arg[1], arg[2], tonumber(arg[3])
assert(create_session(dir, name, 48000), "create_session failed")

local track = Session:new_audio_track(1, 2, nil, 1, "DI", ARDOUR.PresentationInfo.max_order,
                                      ARDOUR.TrackMode.Normal, true, false):front()
-- Only once the engine runs: listing or making plugins before it crashes luasession.
local plugin = ARDOUR.LuaAPI.new_plugin(Session, "BlackBox", ARDOUR.PluginType.VST3, "")
assert(not plugin:isnil(), "BlackBox VST3 is not in Ardour's plugin cache (run ardour-vst3-scanner on it)")
assert(track:add_processor_by_index(plugin, 0, nil, true) == 0, "adding BlackBox to the track failed")
print("LATENCY=" .. plugin:to_insert():signal_latency())

-- Bouncing the empty track makes a silent file of the right length and format; the main outs as the endpoint,
-- since a nil endpoint crashes 7.3.
local silent = track:bounce_range(0, len, ARDOUR.InterThreadInfo(), track:main_outs(), false, "clip")
assert(not silent:isnil(), "bouncing the placeholder failed")
local playlist = track:playlist()
playlist:add_region(silent, Temporal.timepos_t(0), 1, false, 0, 0, false)
-- The playlist's copy has 64-sample fades by default; the clip must reach the plugin unchanged.
local region = playlist:top_region_at(Temporal.timepos_t(0)):to_audioregion()
region:set_fade_in_active(false)
region:set_fade_out_active(false)
print("PLACEHOLDER=" .. silent:source(0):to_filesource():path())
Session:save_state("", false, false, false, false, false)
close_session()
