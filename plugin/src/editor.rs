//! The egui editor, in two panels. "Amp" is the face a player plays from: the device's name large, the knobs
//! reached for first (input, gain, level, gate, mix), the tone stack, the cabinet and normalisation switches,
//! meters with clip lights and the bypass footswitch. "Models & files" holds the model browser and its facts,
//! the user's model and IR files, and the gate's finer settings.

mod file_dialog;
mod widgets;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Color32, RichText, Ui};
use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::LogicalSize;
use nice_plug::prelude::{Enum, EnumParam, IntParam, ParamSetter};
use nice_plug_egui::{EguiEditor, EguiEditorState, EguiNiceSettings, NiceEguiApp, RepaintNotifier, create_egui_editor};

use crate::BlackBoxParams;
use crate::catalogue::{self, EMBEDDED, Effect, GainSetting, SKIPPED};
use crate::meters::Meters;
use crate::rack::Slot;
use crate::facts::ModelFacts;
use widgets::{LEGEND, column, gate_light, knob, knob_sized, section, switch, vertical_meter};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 520.0;
/// Meters and the gate light move with the audio, so the editor redraws at least this often.
const FRAME: Duration = Duration::from_millis(33);
/// A clip light stays lit this long after the last clipped block.
const CLIP_HOLD: Duration = Duration::from_millis(1500);
const BIG_KNOB: f32 = 58.0;
const FACE: Color32 = Color32::from_rgb(0x26, 0x24, 0x22);
const WARNING: Color32 = Color32::from_rgb(0xF0, 0x60, 0x60);

pub fn default_state() -> Arc<EguiEditorState> {
    EguiEditorState::from_size(LogicalSize::new(WIDTH, HEIGHT), 1.0)
}

pub fn create(
    params: Arc<BlackBoxParams>,
    meters: Arc<Meters>,
    state: Arc<EguiEditorState>,
) -> Option<EguiEditor<BlackBoxEditor>> {
    let settings = EguiNiceSettings::new().with_tile("BlackBox");
    let editor = BlackBoxEditor {
        params,
        meters,
        gui: None,
        panel: Panel::Amp,
        path_input: String::new(),
        ir_input: String::new(),
        clips: ClipLights::default(),
        model_dialog: file_dialog::FileDialog::default(),
    };
    create_egui_editor(state, RepaintNotifier::new(), settings, editor)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Panel {
    Amp,
    Models,
}

/// When each meter last saw a clipped block.
#[derive(Default)]
struct ClipLights {
    seen: (u32, u32),
    input_until: Option<Instant>,
    output_until: Option<Instant>,
}

impl ClipLights {
    fn update(&mut self, counts: (u32, u32)) -> (bool, bool) {
        let now = Instant::now();
        if counts.0 != self.seen.0 {
            self.input_until = Some(now + CLIP_HOLD);
        }
        if counts.1 != self.seen.1 {
            self.output_until = Some(now + CLIP_HOLD);
        }
        self.seen = counts;
        (self.input_until.is_some_and(|t| now < t), self.output_until.is_some_and(|t| now < t))
    }
}

pub struct BlackBoxEditor {
    params: Arc<BlackBoxParams>,
    meters: Arc<Meters>,
    gui: Option<GuiContext>,
    panel: Panel,
    /// What the user has typed into the model-file and IR-file fields.
    path_input: String,
    ir_input: String,
    clips: ClipLights,
    model_dialog: file_dialog::FileDialog,
}

impl NiceEguiApp for BlackBoxEditor {
    fn build(
        &mut self,
        egui_ctx: egui::Context,
        gui: GuiContext,
        _frame: &mut nice_plug_egui::Frame,
    ) -> Result<(), nice_plug_egui::baseview::HandlerError> {
        egui_ctx.set_visuals(egui::Visuals::dark());
        if self.path_input.is_empty() {
            self.path_input = self.params.user_model.path();
        }
        if self.ir_input.is_empty() {
            self.ir_input = self.params.cabinet_ir.path();
        }
        self.gui = Some(gui);
        Ok(())
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut nice_plug_egui::Frame) {
        // Models and cabinets the audio thread has let go of are freed here, on the GUI thread.
        self.params.user_model.collect_retired();
        self.params.cabinet_ir.collect_retired();
        ui.ctx().request_repaint_after(FRAME);
        let Some(gui) = self.gui.clone() else { return };
        let setter = gui.param_setter();
        egui::Frame::new().inner_margin(egui::Margin::same(10)).show(ui, |ui| {
            self.header(ui);
            ui.add_space(6.0);
            match self.panel {
                Panel::Amp => self.face(ui, &setter),
                Panel::Models => self.models_panel(ui, &setter),
            }
        });
    }

    fn editor_closed(&mut self) {
        self.gui = None;
    }
}

impl BlackBoxEditor {
    fn header(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.label(RichText::new("BlackBox").size(20.0).strong().color(widgets::ACCENT));
            ui.add_space(12.0);
            for (panel, name) in [(Panel::Amp, "Amp"), (Panel::Models, "Models & files")] {
                let text = RichText::new(name).size(14.0).strong();
                if ui.selectable_label(self.panel == panel, text).clicked() {
                    self.panel = panel;
                }
            }
            let rate = self.meters.sample_rate();
            if rate > 0 {
                let latency = self.meters.latency();
                let ms = latency as f32 * 1000.0 / rate as f32;
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(RichText::new(format!("{rate} Hz · latency {latency} samples ({ms:.1} ms)")).small());
                });
            }
        });
    }

    /// What plays, as the audio thread reports it; while it is not processing, what the selection will play.
    fn shown_slot(&self) -> Slot {
        self.meters.playing().unwrap_or_else(|| {
            let params = &self.params;
            match params.effect() {
                Effect::UserFile => Slot::User(0),
                effect => catalogue::resolve(EMBEDDED, effect, params.gain.value(), params.model.value())
                    .map_or(Slot::Dry, Slot::Embedded),
            }
        })
    }

    /// The facts of what plays, and the device name to print on the face.
    fn selected(&self) -> (String, String, Option<ModelFacts>) {
        let effect = self.params.effect();
        let facts = match self.shown_slot() {
            Slot::Dry => None,
            Slot::Embedded(index) => catalogue::facts(index).cloned(),
            Slot::User(_) => self.params.user_model.status().facts,
        };
        let device = match (effect, &facts) {
            (Effect::UserFile, Some(f)) => f.device.clone(),
            (Effect::UserFile, None) => "No model".to_owned(),
            (effect, _) => effect.label().to_owned(),
        };
        (device, effect.full_name().to_owned(), facts)
    }

    fn face(&mut self, ui: &mut Ui, setter: &ParamSetter) {
        let (device, full_name, facts) = self.selected();
        let (input_clip, output_clip) = self.clips.update(self.meters.clips());
        ui.horizontal_top(|ui| {
            egui::Frame::new()
                .fill(FACE)
                .corner_radius(10.0)
                .stroke(egui::Stroke::new(2.0, Color32::from_gray(70)))
                .inner_margin(egui::Margin::same(14))
                .show(ui, |ui| {
                    ui.vertical(|ui| {
                        ui.set_width(590.0);
                        self.nameplate(ui, &device, &full_name, facts.as_ref());
                        ui.add_space(10.0);
                        self.main_knobs(ui, setter);
                        ui.add_space(8.0);
                        ui.separator();
                        self.tone_and_cabinet(ui, setter);
                    });
                });
            ui.add_space(8.0);
            ui.vertical(|ui| {
                ui.add_space(30.0);
                ui.horizontal_top(|ui| {
                    vertical_meter(ui, "IN", self.meters.input_peak(), input_clip);
                    vertical_meter(ui, "OUT", self.meters.output_peak(), output_clip);
                });
            });
        });
        ui.add_space(10.0);
        ui.vertical_centered(|ui| {
            let bypassed = self.params.bypass.value();
            let text = RichText::new(if bypassed { "BYPASSED" } else { "ON" }).size(16.0).strong();
            let fill = if bypassed { Color32::from_gray(45) } else { Color32::from_rgb(0x6A, 0x1E, 0x18) };
            let footswitch =
                egui::Button::new(text).min_size(egui::Vec2::new(160.0, 40.0)).corner_radius(20.0).fill(fill);
            if ui.add(footswitch).on_hover_text("Bypass: a short crossfade to the dry input").clicked() {
                setter.begin_set_parameter(&self.params.bypass);
                setter.set_parameter(&self.params.bypass, !bypassed);
                setter.end_set_parameter(&self.params.bypass);
            }
        });
        let bad_blocks = self.meters.non_finite_blocks();
        if bad_blocks > 0 {
            ui.label(
                RichText::new(format!("{bad_blocks} block(s) of NaN/inf input were silenced")).color(Color32::YELLOW),
            );
        }
    }

    fn nameplate(&self, ui: &mut Ui, device: &str, full_name: &str, facts: Option<&ModelFacts>) {
        ui.horizontal_top(|ui| {
            ui.label(RichText::new(device).size(38.0).strong().color(Color32::from_rgb(0xF2, 0xE6, 0xD0)));
            ui.add_space(10.0);
            ui.vertical(|ui| {
                ui.add_space(6.0);
                ui.label(RichText::new(full_name).size(14.0).color(LEGEND));
                let line = match facts {
                    Some(f) => {
                        let esr = f.streaming_esr.map_or(String::new(), |e| format!(" · ESR {:.2} %", e * 100.0));
                        format!("{}{esr}", f.architecture)
                    }
                    None => "no trained model for this setting: playing dry".to_owned(),
                };
                ui.label(RichText::new(line).small());
            });
        });
        if let Some(f) = facts {
            let (badge, color) = match f.stand_in {
                Some(true) => (
                    "STAND-IN MODEL: trained on a circuit model of the device, not on recordings of it".to_owned(),
                    Color32::from_rgb(0xE8, 0xC0, 0x30),
                ),
                Some(false) => ("REAL CAPTURE: trained on recordings of the device".to_owned(), Color32::LIGHT_GREEN),
                None => (format!("{}: the file does not say what it was trained on", f.format.to_uppercase()), LEGEND),
            };
            ui.label(RichText::new(badge).small().strong().color(color));
        }
    }

    fn main_knobs(&self, ui: &mut Ui, setter: &ParamSetter) {
        let p = &self.params;
        ui.horizontal_top(|ui| {
            knob_sized(ui, &p.input_gain, setter, "INPUT", BIG_KNOB);
            ui.add_space(6.0);
            let conditioned = p.model.value() == catalogue::CONDITIONED_MODEL || p.effect() == Effect::UserFile;
            if conditioned {
                knob_sized(ui, &p.gain_knob, setter, "GAIN", BIG_KNOB);
            } else {
                gain_selector(ui, &p.gain, setter);
            }
            ui.add_space(6.0);
            knob_sized(ui, &p.output_gain, setter, "LEVEL", BIG_KNOB);
            ui.add_space(6.0);
            column(ui, BIG_KNOB + 60.0, |ui| {
                knob_sized(ui, &p.gate_threshold, setter, "GATE", BIG_KNOB);
                ui.horizontal(|ui| {
                    ui.add_space(6.0);
                    switch(ui, &p.gate_on, setter, "On");
                    gate_light(ui, self.meters.gate_open(), p.gate_on.value());
                });
            });
            ui.add_space(6.0);
            knob_sized(ui, &p.mix, setter, "MIX", BIG_KNOB);
        });
    }

    fn tone_and_cabinet(&self, ui: &mut Ui, setter: &ParamSetter) {
        let p = &self.params;
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.horizontal_top(|ui| {
                    knob(ui, &p.bass, setter, "BASS");
                    knob(ui, &p.mid, setter, "MIDDLE");
                    knob(ui, &p.treble, setter, "TREBLE");
                });
                switch(ui, &p.tone_on, setter, "TONE");
            });
            ui.add_space(16.0);
            ui.vertical(|ui| {
                ui.add_space(6.0);
                switch(ui, &p.cabinet_on, setter, "CAB");
                let status = p.cabinet_ir.status();
                ui.label(RichText::new(&status.description).small()).on_hover_text("Change it on \"Models & files\"");
                if status.error.is_some() {
                    ui.label(RichText::new("IR file not loaded (see Models & files)").small().color(WARNING));
                }
                ui.add_space(6.0);
                switch(ui, &p.normalize, setter, "NORMALIZE")
                    .on_hover_text("Brings every model to the same loudness, so switching models keeps the level");
            });
        });
    }

    fn models_panel(&mut self, ui: &mut Ui, setter: &ParamSetter) {
        self.selectors(ui, setter);
        self.facts(ui);
        self.user_file(ui, setter);
        self.ir_file(ui, setter);
        let p = &self.params;
        section(ui, "Noise gate (detects on the dry input, acts after the model)");
        ui.horizontal(|ui| {
            knob(ui, &p.gate_attack, setter, "Attack");
            knob(ui, &p.gate_hold, setter, "Hold");
            knob(ui, &p.gate_release, setter, "Release");
        });
    }

    fn selectors(&self, ui: &mut Ui, setter: &ParamSetter) {
        let params = &self.params;
        section(ui, "Model");
        ui.horizontal(|ui| {
            effect_combo(ui, &params.effect, setter);
            let (effect, gain) = (params.effect(), params.gain.value());
            if params.model.value() != catalogue::CONDITIONED_MODEL {
                enum_combo(ui, "Gain", &params.gain, setter, |_| String::new());
            }
            model_combo(ui, &params.model, setter, |choice| match catalogue::resolve(EMBEDDED, effect, gain, choice) {
                _ if effect == Effect::UserFile => String::new(),
                Some(index) if EMBEDDED[index].unstable_when_streamed() => " (unstable when streamed)".to_owned(),
                Some(_) => String::new(),
                None => " (not trained)".to_owned(),
            });
        });
    }

    fn facts(&self, ui: &mut Ui) {
        let params = &self.params;
        if self.meters.switching() {
            ui.label(RichText::new("switching: warming the new model up, then crossfading").italics());
        }
        let (_, _, facts) = self.selected();
        match facts {
            Some(facts) => show_facts(ui, &facts),
            None if params.effect() == Effect::UserFile => {
                unavailable(ui, "No user model loaded: audio passes through dry.")
            }
            None => unavailable(
                ui,
                &format!(
                    "{} · {} has no trained model in this build ({} embedded): audio passes through dry.",
                    params.effect,
                    params.gain,
                    EMBEDDED.len()
                ),
            ),
        }
        // What the audio thread reports, which differs from the selection while a switch is running.
        if let Some(slot) = self.meters.playing() {
            let playing = match slot {
                Slot::Dry => "dry".to_owned(),
                Slot::Embedded(i) => catalogue::facts(i).map_or("?".to_owned(), |f| f.name.clone()),
                Slot::User(_) => "the user model file".to_owned(),
            };
            ui.label(RichText::new(format!("Now playing: {playing}")).small());
        }
        if !SKIPPED.is_empty() {
            let reasons: Vec<String> = SKIPPED.iter().map(|s| format!("{}: {}", s.path, s.reason)).collect();
            ui.label(
                RichText::new(format!("{} file(s) in models/ were not embedded", SKIPPED.len())).color(Color32::YELLOW),
            )
            .on_hover_text(reasons.join("\n"));
        }
    }

    fn user_file(&mut self, ui: &mut Ui, setter: &ParamSetter) {
        section(ui, "User model file (.bbx, .nam, AIDA-X .json / .aidax, GuitarML Proteus .json)");
        let slot = &self.params.user_model;
        let mut loaded = None;
        if let Some(picked) = self.model_dialog.poll() {
            self.path_input = picked.display().to_string();
            loaded = Some(slot.load(&picked).is_ok());
        }
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.path_input).desired_width(330.0).hint_text("/path/to/model.nam"),
            );
            if ui.add_enabled(!self.model_dialog.is_open(), egui::Button::new("Load model file...")).clicked() {
                let start = PathBuf::from(slot.path()).parent().map(Path::to_path_buf);
                self.model_dialog.open("Load a model", "Model files", &blackbox_engine::formats::EXTENSIONS, start);
            }
            // Loading reads and builds the model here, on the GUI thread; the audio thread only receives it.
            if ui.button("Load typed path").clicked() {
                loaded = Some(slot.load(Path::new(self.path_input.trim())).is_ok());
            }
            if ui.button("< Prev").on_hover_text("Previous model file in this folder").clicked() {
                loaded = slot.step(-1).map(|r| r.is_ok());
            }
            if ui.button("Next >").on_hover_text("Next model file in this folder").clicked() {
                loaded = slot.step(1).map(|r| r.is_ok());
            }
            if ui.button("Unload").clicked() {
                slot.unload();
            }
        });
        if loaded == Some(true) {
            self.path_input = slot.path();
            setter.begin_set_parameter(&self.params.effect);
            setter.set_parameter(&self.params.effect, Effect::UserFile.value());
            setter.end_set_parameter(&self.params.effect);
        }
        if self.model_dialog.unavailable {
            ui.label(RichText::new("No file dialog is available here: type the path and press Load typed path.").small());
        }
        let status = slot.status();
        if let Some(error) = status.error {
            let path = slot.path();
            let missing = !path.is_empty() && !Path::new(&path).exists();
            let lead = if missing { "MISSING" } else { "Not loaded" };
            ui.label(RichText::new(format!("{lead}: {error}")).color(WARNING));
        }
    }

    fn ir_file(&mut self, ui: &mut Ui, setter: &ParamSetter) {
        section(ui, "Cabinet IR (WAV, any rate, bit depth and channel count; up to 2 s)");
        let status = self.params.cabinet_ir.status();
        ui.label(RichText::new(&status.description).small());
        ui.horizontal(|ui| {
            ui.add(egui::TextEdit::singleline(&mut self.ir_input).desired_width(420.0).hint_text("/path/to/cab.wav"));
            if ui.button("Load IR...").clicked() && self.params.cabinet_ir.load(Path::new(self.ir_input.trim())).is_ok()
            {
                setter.begin_set_parameter(&self.params.cabinet_on);
                setter.set_parameter(&self.params.cabinet_on, true);
                setter.end_set_parameter(&self.params.cabinet_on);
            }
            if ui.button("Designed").on_hover_text("The built-in designed cabinet").clicked() {
                self.params.cabinet_ir.use_designed();
                self.ir_input.clear();
            }
        });
        if let Some(error) = status.error {
            ui.label(RichText::new(format!("Not loaded: {error}")).color(WARNING));
        }
    }
}

/// Low / Mid / High as three buttons under a GAIN legend, for the study's fixed-gain models.
fn gain_selector(ui: &mut Ui, param: &EnumParam<GainSetting>, setter: &ParamSetter) {
    column(ui, BIG_KNOB + 40.0, |ui| {
        ui.label(RichText::new("GAIN").size(13.0).strong().color(LEGEND));
        ui.add_space(8.0);
        let current = param.value();
        for (index, name) in GainSetting::variants().iter().enumerate().rev() {
            let value = GainSetting::from_index(index);
            let text = RichText::new(name.to_uppercase()).strong();
            let button = egui::Button::new(text).min_size(egui::Vec2::new(70.0, 20.0)).selected(value == current);
            if ui.add(button).clicked() {
                setter.begin_set_parameter(param);
                setter.set_parameter(param, value);
                setter.end_set_parameter(param);
            }
        }
    });
}

fn show_facts(ui: &mut Ui, facts: &ModelFacts) {
    ui.label(RichText::new(&facts.name).strong());
    ui.label(format!("{} · {} · {}", facts.format, facts.architecture, facts.rate));
    ui.label(RichText::new(&facts.path).small());
    if !facts.knobs.is_empty() {
        ui.label(format!("Knobs: {} (the Gain knob, then Knob 2)", facts.knobs.join(", ")));
    }
    let (trained_on, color) = match facts.stand_in {
        Some(true) => ("Trained on STAND-IN data (a circuit model, not the real device)", Color32::YELLOW),
        Some(false) => ("Trained on real recordings", Color32::LIGHT_GREEN),
        None => ("What it was trained on: not stated in the file", LEGEND),
    };
    ui.label(RichText::new(trained_on).color(color));
    ui.label(RichText::new(&facts.provenance).small());
    for (key, value) in &facts.details {
        ui.label(RichText::new(format!("{key}: {value}")).small());
    }
    let percent = |v: Option<f32>| v.map_or("n/a".to_owned(), |v| format!("{:.2} %", v * 100.0));
    ui.label(format!(
        "Test ESR: {} streamed (as played here) · {} windowed · loudness {} on the reference passage",
        percent(facts.streaming_esr),
        percent(facts.windowed_esr),
        facts.loudness
    ));
    if facts.unstable_when_streamed {
        ui.label(
            RichText::new("Unstable when streamed: its streamed error is far above its windowed error.").color(WARNING),
        );
    }
}

fn unavailable(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(text).color(Color32::from_rgb(0xF0, 0xA0, 0x40)));
}

fn enum_combo<T: Enum + PartialEq + Copy + 'static>(
    ui: &mut Ui,
    label: &str,
    param: &EnumParam<T>,
    setter: &ParamSetter,
    note: impl Fn(T) -> String,
) {
    let current = param.value();
    ui.label(label);
    egui::ComboBox::from_id_salt(label).selected_text(format!("{param}{}", note(current))).show_ui(ui, |ui| {
        for (index, name) in T::variants().iter().enumerate() {
            let value = T::from_index(index);
            if ui.selectable_label(value == current, format!("{name}{}", note(value))).clicked() {
                setter.begin_set_parameter(param);
                setter.set_parameter(param, value);
                setter.end_set_parameter(param);
            }
        }
    });
}

/// The devices this build embeds, then the user's file.
fn effect_combo(ui: &mut Ui, param: &IntParam, setter: &ParamSetter) {
    let current = param.value();
    ui.label("Effect");
    egui::ComboBox::from_id_salt("Effect").selected_text(Effect::value_label(current)).show_ui(ui, |ui| {
        for value in 0..=Effect::last_value() {
            if ui.selectable_label(value == current, Effect::value_label(value)).clicked() {
                setter.begin_set_parameter(param);
                setter.set_parameter(param, value);
                setter.end_set_parameter(param);
            }
        }
    });
}

fn model_combo(ui: &mut Ui, param: &IntParam, setter: &ParamSetter, note: impl Fn(i32) -> String) {
    let current = param.value();
    ui.label("Model");
    let text = format!("{}{}", catalogue::model_choice_label(current), note(current));
    egui::ComboBox::from_id_salt("Model").width(260.0).selected_text(text).show_ui(ui, |ui| {
        for choice in 0..=catalogue::LAST_MODEL_CHOICE {
            let text = format!("{}{}", catalogue::model_choice_label(choice), note(choice));
            if ui.selectable_label(choice == current, text).clicked() {
                setter.begin_set_parameter(param);
                setter.set_parameter(param, choice);
                setter.end_set_parameter(param);
            }
        }
    });
}
