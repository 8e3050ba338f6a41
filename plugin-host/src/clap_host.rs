//! The host side of CLAP: instance, extensions (params, state, latency, GUI, log) and audio processing.

use std::ffi::CString;
use std::io::Cursor;
use std::path::Path;
use std::sync::OnceLock;

use clack_extensions::audio_ports_config::PluginAudioPortsConfig;
use clack_extensions::gui::{GuiSize, HostGui, HostGuiImpl, PluginGui};
use clack_extensions::latency::{HostLatency, HostLatencyImpl, PluginLatency};
use clack_extensions::log::{HostLog, HostLogImpl, LogSeverity};
use clack_extensions::params::{
    HostParams, HostParamsImplMainThread, HostParamsImplShared, ParamClearFlags, ParamInfoBuffer, ParamRescanFlags,
    PluginParams,
};
use clack_extensions::state::{HostState, HostStateImpl, PluginState};
use clack_host::events::event_types::ParamValueEvent;
use clack_host::prelude::*;

/// Why the host could not do what a test asked. Messages name the step that failed.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("cannot load CLAP bundle {path}: {message}")]
    Load { path: String, message: String },
    #[error("the bundle has no plugin factory or no plugin in it")]
    NoPlugin,
    #[error("plugin instance: {0}")]
    Instance(#[from] PluginInstanceError),
    #[error("the plugin does not implement the CLAP {0} extension")]
    MissingExtension(&'static str),
    #[error("no parameter named {0:?}; the plugin has: {1}")]
    UnknownParam(String, String),
    #[error("state {0} failed")]
    State(&'static str),
    #[error("the plugin is not activated; call activate() first")]
    NotActive,
    #[error("{0}")]
    Other(String),
}

pub struct BlackBoxHost;

#[derive(Default)]
pub struct Shared {
    params: OnceLock<Option<PluginParams>>,
    state: OnceLock<Option<PluginState>>,
    latency: OnceLock<Option<PluginLatency>>,
    gui: OnceLock<Option<PluginGui>>,
    ports_config: OnceLock<Option<PluginAudioPortsConfig>>,
}

pub struct MainThread;

impl<'a> SharedHandler<'a> for Shared {
    fn initializing(&self, instance: InitializingPluginHandle<'a>) {
        let _ = self.params.set(instance.get_extension());
        let _ = self.state.set(instance.get_extension());
        let _ = self.latency.set(instance.get_extension());
        let _ = self.gui.set(instance.get_extension());
        let _ = self.ports_config.set(instance.get_extension());
    }
    fn request_restart(&self) {}
    fn request_process(&self) {}
    fn request_callback(&self) {}
}

impl<'a> MainThreadHandler<'a> for MainThread {}

impl HostLogImpl for Shared {
    fn log(&self, severity: LogSeverity, message: &str) {
        eprintln!("[plugin {severity}] {message}");
    }
}

impl HostParamsImplShared for Shared {
    fn request_flush(&self) {}
}

impl HostParamsImplMainThread for MainThread {
    fn rescan(&self, _flags: ParamRescanFlags) {}
    fn clear(&self, _param_id: ClapId, _flags: ParamClearFlags) {}
}

impl HostStateImpl for MainThread {
    fn mark_dirty(&self) {}
}

impl HostLatencyImpl for MainThread {
    fn changed(&self) {}
}

impl HostGuiImpl for Shared {
    fn resize_hints_changed(&self) {}
    fn request_resize(&self, _new_size: GuiSize) -> Result<(), clack_host::prelude::HostError> {
        Ok(())
    }
    fn request_show(&self) -> Result<(), clack_host::prelude::HostError> {
        Ok(())
    }
    fn request_hide(&self) -> Result<(), clack_host::prelude::HostError> {
        Ok(())
    }
    fn closed(&self, _was_destroyed: bool) {}
}

impl HostHandlers for BlackBoxHost {
    type Shared<'a> = Shared;
    type MainThread<'a> = MainThread;
    type AudioProcessor<'a> = ();

    fn declare_extensions(builder: &mut HostExtensions<Self>, _shared: &Self::Shared<'_>) {
        builder
            .register::<HostLog>()
            .register::<HostParams>()
            .register::<HostState>()
            .register::<HostLatency>()
            .register::<HostGui>();
    }
}

/// A parameter as the host sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamDescription {
    pub id: ClapId,
    pub name: String,
    pub min: f64,
    pub max: f64,
    pub default: f64,
    pub is_bypass: bool,
    /// Takes whole values only (an enum or an integer).
    pub is_stepped: bool,
}

/// One plugin instance, on this thread, processing on this thread too (the host is single-threaded, so the
/// tests are deterministic).
pub struct LoadedPlugin {
    // Field order is drop order: the processor and instance must go before the entry (the library) unloads.
    processor: Option<StartedPluginAudioProcessor<BlackBoxHost>>,
    instance: PluginInstance<BlackBoxHost>,
    _entry: PluginEntry,
    params: Vec<ParamDescription>,
    pending: Vec<(ClapId, f64)>,
    input_ports: AudioPorts,
    output_ports: AudioPorts,
}

impl LoadedPlugin {
    /// Loads the first plugin of the CLAP bundle at `path`.
    pub fn load(path: &Path) -> Result<Self, HostError> {
        let load_error = |message: String| HostError::Load { path: path.display().to_string(), message };
        // SAFETY: loading a library runs its initialisers; the bundle is the one this repository builds.
        let entry = unsafe { PluginEntry::load(path) }.map_err(|e| load_error(e.to_string()))?;
        let id: CString = {
            let factory = entry.get_plugin_factory().ok_or(HostError::NoPlugin)?;
            let descriptor = factory.plugin_descriptors().next().ok_or(HostError::NoPlugin)?;
            descriptor.id().ok_or(HostError::NoPlugin)?.to_owned()
        };
        let info = HostInfo::new("BlackBox test host", "BlackBox developers", "https://example.invalid", "0.1.0")
            .map_err(|e| HostError::Other(e.to_string()))?;
        let instance = PluginInstance::<BlackBoxHost>::new(|_| Shared::default(), |_| MainThread, &entry, &id, &info)?;
        let mut plugin = LoadedPlugin {
            processor: None,
            instance,
            _entry: entry,
            params: Vec::new(),
            pending: Vec::new(),
            input_ports: AudioPorts::with_capacity(2, 1),
            output_ports: AudioPorts::with_capacity(2, 1),
        };
        plugin.params = plugin.scan_params()?;
        Ok(plugin)
    }

    fn params_ext(&self) -> Result<PluginParams, HostError> {
        self.instance
            .access_shared_handler(|h| h.params.get().copied().flatten())
            .ok_or(HostError::MissingExtension("params"))
    }

    fn state_ext(&self) -> Result<PluginState, HostError> {
        self.instance
            .access_shared_handler(|h| h.state.get().copied().flatten())
            .ok_or(HostError::MissingExtension("state"))
    }

    pub fn gui_ext(&self) -> Result<PluginGui, HostError> {
        self.instance
            .access_shared_handler(|h| h.gui.get().copied().flatten())
            .ok_or(HostError::MissingExtension("gui"))
    }

    fn scan_params(&mut self) -> Result<Vec<ParamDescription>, HostError> {
        let ext = self.params_ext()?;
        let handle = self.instance.plugin_handle();
        let mut out = Vec::new();
        for index in 0..ext.count(&handle) {
            let mut buffer = ParamInfoBuffer::new();
            if let Some(info) = ext.get_info(&handle, index, &mut buffer) {
                out.push(ParamDescription {
                    id: info.id,
                    name: String::from_utf8_lossy(info.name).trim_end_matches('\0').to_owned(),
                    min: info.min_value,
                    max: info.max_value,
                    default: info.default_value,
                    is_bypass: info.flags.contains(clack_extensions::params::ParamInfoFlags::IS_BYPASS),
                    is_stepped: info.flags.contains(clack_extensions::params::ParamInfoFlags::IS_STEPPED),
                });
            }
        }
        Ok(out)
    }

    pub fn params(&self) -> &[ParamDescription] {
        &self.params
    }

    pub fn param(&self, name: &str) -> Result<&ParamDescription, HostError> {
        self.params.iter().find(|p| p.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.params.iter().map(|p| p.name.as_str()).collect();
            HostError::UnknownParam(name.to_owned(), names.join(", "))
        })
    }

    /// The plain value the plugin reports now.
    pub fn param_value(&mut self, name: &str) -> Result<f64, HostError> {
        let id = self.param(name)?.id;
        let ext = self.params_ext()?;
        ext.get_value(&self.instance.plugin_handle(), id).ok_or(HostError::Other(format!("no value for {name}")))
    }

    /// The plugin's own text for a plain value of a parameter (what a DAW shows).
    pub fn param_text(&mut self, name: &str, value: f64) -> Result<String, HostError> {
        let id = self.param(name)?.id;
        let ext = self.params_ext()?;
        let mut buffer = [0u8; 256];
        let text = ext
            .value_to_text(&self.instance.plugin_handle(), id, value, &mut buffer)
            .map_err(|e| HostError::Other(format!("value_to_text({name}): {e:?}")))?;
        Ok(String::from_utf8_lossy(text).trim_end_matches('\0').to_owned())
    }

    /// The plugin's value for a text a user typed into a host's parameter field; `None` when it does not parse.
    pub fn text_to_value(&mut self, name: &str, text: &str) -> Result<Option<f64>, HostError> {
        let id = self.param(name)?.id;
        let ext = self.params_ext()?;
        let text = std::ffi::CString::new(text).map_err(|e| HostError::Other(e.to_string()))?;
        Ok(ext.text_to_value(&self.instance.plugin_handle(), id, &text))
    }

    /// Queues a plain-value change, delivered as an event at the start of the next processed block; when not
    /// active, it is flushed at once.
    pub fn set_param(&mut self, name: &str, value: f64) -> Result<(), HostError> {
        let id = self.param(name)?.id;
        self.pending.push((id, value));
        if self.processor.is_none() {
            self.flush_inactive()?;
        }
        Ok(())
    }

    fn events(&mut self) -> EventBuffer {
        let mut events = EventBuffer::with_capacity(self.pending.len());
        for (id, value) in self.pending.drain(..) {
            events.push(&ParamValueEvent::new(0, id, Pckn::match_all(), value));
        }
        events
    }

    fn flush_inactive(&mut self) -> Result<(), HostError> {
        let ext = self.params_ext()?;
        let events = self.events();
        let mut out = EventBuffer::new();
        let mut handle = self
            .instance
            .inactive_plugin_handle()
            .ok_or(HostError::Other("cannot flush parameters: plugin is active but not processing".into()))?;
        ext.flush(&mut handle, &InputEvents::from_buffer(&events), &mut OutputEvents::from_buffer(&mut out));
        Ok(())
    }

    pub fn save_state(&mut self) -> Result<Vec<u8>, HostError> {
        let ext = self.state_ext()?;
        let mut bytes = Vec::new();
        ext.save(&self.instance.plugin_handle(), &mut bytes).map_err(|_| HostError::State("save"))?;
        Ok(bytes)
    }

    pub fn load_state(&mut self, bytes: &[u8]) -> Result<(), HostError> {
        let ext = self.state_ext()?;
        ext.load(&self.instance.plugin_handle(), &mut Cursor::new(bytes)).map_err(|_| HostError::State("load"))
    }

    /// The plugin state as JSON: nice-plug's CLAP state is an 8-byte little-endian length, then JSON.
    pub fn state_json(&mut self) -> Result<serde_json::Value, HostError> {
        let bytes = self.save_state()?;
        let json =
            bytes.get(8..).ok_or(HostError::Other(format!("state of {} bytes has no length prefix", bytes.len())))?;
        serde_json::from_slice(json).map_err(|e| HostError::Other(format!("state is not JSON after its length: {e}")))
    }

    pub fn load_state_json(&mut self, state: &serde_json::Value) -> Result<(), HostError> {
        let json = serde_json::to_vec(state).map_err(|e| HostError::Other(e.to_string()))?;
        let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(&json);
        self.load_state(&bytes)
    }

    /// Sets a persisted (non-parameter) field, e.g. the user model path, the way a DAW restores a session: by
    /// loading a saved state with that field changed. nice-plug stores each field as a JSON string.
    pub fn set_persisted_field(&mut self, key: &str, value: &serde_json::Value) -> Result<(), HostError> {
        let mut state = self.state_json()?;
        let fields = state
            .get_mut("fields")
            .and_then(|f| f.as_object_mut())
            .ok_or(HostError::Other("state has no \"fields\" object".into()))?;
        fields.insert(key.to_owned(), serde_json::Value::String(value.to_string()));
        self.load_state_json(&state)
    }

    /// Reads a persisted field back out of a fresh state save.
    pub fn persisted_field(&mut self, key: &str) -> Result<Option<serde_json::Value>, HostError> {
        let state = self.state_json()?;
        Ok(state
            .get("fields")
            .and_then(|f| f.get(key))
            .and_then(|v| v.as_str())
            .and_then(|s| serde_json::from_str(s).ok()))
    }

    /// Activates at `sample_rate` for blocks up to `max_block` and starts processing.
    pub fn activate(&mut self, sample_rate: f64, max_block: u32) -> Result<(), HostError> {
        self.deactivate();
        let config = PluginAudioConfiguration { sample_rate, min_frames_count: 1, max_frames_count: max_block.max(1) };
        let stopped = self.instance.activate(|_, _| (), config)?;
        let started = stopped.start_processing().map_err(|e| HostError::Other(format!("start_processing: {e:?}")))?;
        self.processor = Some(started);
        Ok(())
    }

    pub fn deactivate(&mut self) {
        if let Some(processor) = self.processor.take() {
            self.instance.deactivate(processor.stop_processing());
        }
    }

    /// Latency the plugin reports, in samples.
    pub fn latency(&mut self) -> Result<u32, HostError> {
        let ext = self.instance.access_shared_handler(|h| h.latency.get().copied().flatten());
        let ext = ext.ok_or(HostError::MissingExtension("latency"))?;
        Ok(ext.get(&self.instance.plugin_handle()))
    }

    /// Chooses the mono (1) or stereo (2) layout; the plugin must be inactive. BlackBox declares mono first (the
    /// default) and stereo second.
    pub fn select_channels(&mut self, channels: usize) -> Result<(), HostError> {
        self.deactivate();
        let ext = self.instance.access_shared_handler(|h| h.ports_config.get().copied().flatten());
        let ext = ext.ok_or(HostError::MissingExtension("audio-ports-config"))?;
        let id = ClapId::new(u32::try_from(channels.saturating_sub(1)).unwrap_or(u32::MAX));
        ext.select(&self.instance.plugin_handle(), id)
            .map_err(|_| HostError::Other(format!("the plugin refused a {channels}-channel layout")))
    }

    /// Processes one block of mono audio: `output` receives the plugin's output for `input`.
    pub fn process(&mut self, input: &mut [f32], output: &mut [f32]) -> Result<(), HostError> {
        self.process_channels(&mut [input], &mut [output])
    }

    /// Processes one block, one slice per channel (all the same length).
    pub fn process_channels(&mut self, inputs: &mut [&mut [f32]], outputs: &mut [&mut [f32]]) -> Result<(), HostError> {
        let events = self.events();
        let processor = self.processor.as_mut().ok_or(HostError::NotActive)?;
        let inputs = self.input_ports.with_input_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_input_only(inputs.iter_mut().map(|c| InputChannel::variable(&mut **c))),
        }]);
        let mut outputs = self.output_ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only(outputs.iter_mut().map(|c| &mut **c)),
        }]);
        let mut out_events = EventBuffer::new();
        processor.process(
            &inputs,
            &mut outputs,
            &InputEvents::from_buffer(&events),
            &mut OutputEvents::from_buffer(&mut out_events),
            None,
            None,
        )?;
        Ok(())
    }

    pub fn main_thread_handle(&mut self) -> PluginMainThreadHandle<'_> {
        self.instance.plugin_handle()
    }
}

impl Drop for LoadedPlugin {
    fn drop(&mut self) {
        self.deactivate();
    }
}
