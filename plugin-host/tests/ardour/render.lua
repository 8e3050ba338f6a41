-- ardour7-lua render.lua <session_dir> <name> <tag> [<parameter_name> [<value>]]
-- Opens the session, prints BlackBox's parameter, bounces the DI track through it (to the main outs: mono,
-- before the panner, latency compensated by Ardour), then optionally sets the parameter and saves.
local dir, name, tag = arg[1], arg[2], arg[3]
local parameter, value = arg[4], tonumber(arg[5])
assert(load_session(dir, name), "load_session failed")
local track = Session:route_by_name("DI"):to_track()
local plugin = track:nth_plugin(0)
assert(not plugin:isnil(), "the track has lost its plugin")
local index = nil
if parameter then
  local vst3 = plugin:to_insert():plugin(0)
  for i = 0, 63 do
    if vst3:parameter_label(i) == parameter then index = i break end
  end
  assert(index, "BlackBox has no parameter named " .. parameter)
  print("PARAMETER=" .. ARDOUR.LuaAPI.get_processor_param(plugin, index, true))
end

local len = track:playlist():top_region_at(Temporal.timepos_t(0)):length():samples()
local bounce = track:bounce_range(0, len, ARDOUR.InterThreadInfo(), track:main_outs(), false, tag)
assert(not bounce:isnil(), "bouncing the track failed")
print("BOUNCE=" .. bounce:source(0):to_filesource():path())

if value then
  assert(ARDOUR.LuaAPI.set_processor_param(plugin, index, value), "setting the parameter failed")
  -- Ardour hands the change to the VST3 in the next cycle, and the plugin's saved state (which wins over the
  -- session's own value on reload) follows from there: let the engine run before saving.
  sleep(1)
end
Session:save_state("", false, false, false, false, false)
close_session()
