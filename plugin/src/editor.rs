//! The egui editor: effect, gain and model selectors, knobs, gate light, meters, and the facts of the model
//! that is playing (what it learnt from, how well it scored).

mod widgets;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use egui::{Color32, RichText, Ui};
use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::LogicalSize;
use nice_plug::prelude::{Enum, EnumParam, IntParam, ParamSetter};
use nice_plug_egui::{EguiEditor, EguiEditorState, EguiNiceSettings, NiceEguiApp, RepaintNotifier, create_egui_editor};

use crate::BlackBoxParams;
use crate::catalogue::{self, EMBEDDED, Effect, SKIPPED};
use crate::meters::Meters;
use crate::user_model::ModelFacts;
use widgets::{gate_light, knob, level_meter, section};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 540.0;
/// Meters and the gate light move with the audio, so the editor redraws at least this often.
const FRAME: Duration = Duration::from_millis(33);

pub fn default_state() -> Arc<EguiEditorState> {
    EguiEditorState::from_size(LogicalSize::new(WIDTH, HEIGHT), 1.0)
}

pub fn create(
    params: Arc<BlackBoxParams>,
    meters: Arc<Meters>,
    state: Arc<EguiEditorState>,
) -> Option<EguiEditor<BlackBoxEditor>> {
    let settings = EguiNiceSettings::new().with_tile("BlackBox");
    create_egui_editor(
        state,
        RepaintNotifier::new(),
        settings,
        BlackBoxEditor { params, meters, gui: None, path_input: String::new() },
    )
}

pub struct BlackBoxEditor {
    params: Arc<BlackBoxParams>,
    meters: Arc<Meters>,
    gui: Option<GuiContext>,
    /// What the user has typed into the model-file field.
    path_input: String,
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
        self.gui = Some(gui);
        Ok(())
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut nice_plug_egui::Frame) {
        // Models the audio thread has let go of are freed here, on the GUI thread.
        self.params.user_model.collect_retired();
        ui.ctx().request_repaint_after(FRAME);
        let Some(gui) = self.gui.clone() else { return };
        let setter = gui.param_setter();
        egui::Frame::new().inner_margin(egui::Margin::same(10)).show(ui, |ui| {
            self.header(ui);
            self.selectors(ui, &setter);
            self.facts(ui);
            self.user_file(ui, &setter);
            self.controls(ui, &setter);
        });
    }

    fn editor_closed(&mut self) {
        self.gui = None;
    }
}

impl BlackBoxEditor {
    fn header(&self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.label(RichText::new("BlackBox").size(22.0).strong().color(widgets::ACCENT));
            let rate = self.meters.sample_rate();
            if rate > 0 {
                let latency = self.meters.latency();
                let ms = latency as f32 * 1000.0 / rate as f32;
                ui.label(
                    RichText::new(format!(
                        "{rate} Hz · latency {latency} samples ({ms:.1} ms) · models run at 44.1 kHz"
                    ))
                    .small(),
                );
            }
        });
    }

    fn selectors(&self, ui: &mut Ui, setter: &ParamSetter) {
        let params = &self.params;
        ui.horizontal(|ui| {
            enum_combo(ui, "Effect", &params.effect, setter, |effect| match effect {
                Effect::UserFile => String::new(),
                e if EMBEDDED.iter().any(|m| Effect::of_metadata(m.effect) == Some(e)) => String::new(),
                _ => " (unavailable: no model)".to_owned(),
            });
            let (effect, gain) = (params.effect.value(), params.gain.value());
            if params.model.value() == catalogue::CONDITIONED_MODEL && effect != Effect::UserFile {
                ui.label("Gain");
                knob(ui, &params.gain_knob, setter, "continuous");
            } else {
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
        section(ui, "Model");
        let params = &self.params;
        let effect = params.effect.value();
        if self.meters.switching() {
            ui.label(RichText::new("switching: warming the new model up, then crossfading").italics());
        }
        if effect == Effect::UserFile {
            let status = params.user_model.status();
            match &status.facts {
                Some(facts) => show_facts(ui, facts),
                None => unavailable(ui, "No user model loaded: audio passes through dry."),
            }
            return;
        }
        match catalogue::resolve(EMBEDDED, effect, params.gain.value(), params.model.value()) {
            Some(index) => {
                let m = &EMBEDDED[index];
                show_facts(
                    ui,
                    &ModelFacts {
                        path: format!("models/{}", m.path),
                        name: format!("{} ({} · {})", m.name, m.effect, m.gain.name()),
                        architecture: m.architecture_label(),
                        stand_in: m.stand_in,
                        provenance: m.provenance.to_owned(),
                        streaming_esr: m.streaming_esr,
                        windowed_esr: m.windowed_esr,
                        unstable_when_streamed: m.unstable_when_streamed(),
                    },
                );
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
        if !SKIPPED.is_empty() {
            let reasons: Vec<String> = SKIPPED.iter().map(|s| format!("{}: {}", s.path, s.reason)).collect();
            ui.label(
                RichText::new(format!("{} file(s) in models/ were not embedded", SKIPPED.len())).color(Color32::YELLOW),
            )
            .on_hover_text(reasons.join("\n"));
        }
    }

    fn user_file(&mut self, ui: &mut Ui, setter: &ParamSetter) {
        section(ui, "User model file");
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.path_input).desired_width(400.0).hint_text("/path/to/model.bbx"),
            );
            if ui.button("Load model file...").clicked() {
                // Loading reads and builds the model here, on the GUI thread; the audio thread only receives it.
                if self.params.user_model.load(Path::new(self.path_input.trim())).is_ok() {
                    setter.begin_set_parameter(&self.params.effect);
                    setter.set_parameter(&self.params.effect, Effect::UserFile);
                    setter.end_set_parameter(&self.params.effect);
                }
            }
            if ui.button("Unload").clicked() {
                self.params.user_model.unload();
            }
        });
        if let Some(error) = self.params.user_model.status().error {
            ui.label(RichText::new(format!("Not loaded: {error}")).color(Color32::from_rgb(0xF0, 0x60, 0x60)));
        }
    }

    fn controls(&self, ui: &mut Ui, setter: &ParamSetter) {
        let p = &self.params;
        section(ui, "Levels");
        ui.horizontal(|ui| {
            knob(ui, &p.input_gain, setter, "Input");
            knob(ui, &p.output_gain, setter, "Output");
            knob(ui, &p.mix, setter, "Mix");
            if p.effect.value() == Effect::UserFile {
                knob(ui, &p.gain_knob, setter, "Gain knob*");
            }
            ui.separator();
            let mut bypass = p.bypass.value();
            if ui.checkbox(&mut bypass, "Bypass").changed() {
                setter.begin_set_parameter(&p.bypass);
                setter.set_parameter(&p.bypass, bypass);
                setter.end_set_parameter(&p.bypass);
            }
        });
        section(ui, "Noise gate");
        ui.horizontal(|ui| {
            let mut on = p.gate_on.value();
            if ui.checkbox(&mut on, "Gate").changed() {
                setter.begin_set_parameter(&p.gate_on);
                setter.set_parameter(&p.gate_on, on);
                setter.end_set_parameter(&p.gate_on);
            }
            gate_light(ui, self.meters.gate_open(), on);
            ui.add_space(8.0);
            knob(ui, &p.gate_threshold, setter, "Threshold");
            knob(ui, &p.gate_attack, setter, "Attack");
            knob(ui, &p.gate_hold, setter, "Hold");
            knob(ui, &p.gate_release, setter, "Release");
        });
        if p.effect.value() == Effect::UserFile {
            ui.label(RichText::new("* Gain knob: used only by a gain-conditioned user model.").small());
        }
        section(ui, "Meters");
        level_meter(ui, "in ", self.meters.input_peak());
        level_meter(ui, "out", self.meters.output_peak());
        let bad_blocks = self.meters.non_finite_blocks();
        if bad_blocks > 0 {
            ui.label(
                RichText::new(format!("{bad_blocks} block(s) of NaN/inf input were silenced")).color(Color32::YELLOW),
            );
        }
    }
}

fn show_facts(ui: &mut Ui, facts: &ModelFacts) {
    ui.label(RichText::new(&facts.name).strong());
    ui.label(format!("{} · {}", facts.architecture, facts.path));
    let trained_on = if facts.stand_in {
        "Trained on STAND-IN data (a circuit model, not the real device)"
    } else {
        "Trained on real recordings"
    };
    ui.label(RichText::new(trained_on).color(if facts.stand_in { Color32::YELLOW } else { Color32::LIGHT_GREEN }));
    ui.label(RichText::new(&facts.provenance).small());
    let percent = |v: Option<f32>| v.map_or("n/a".to_owned(), |v| format!("{:.2} %", v * 100.0));
    ui.label(format!(
        "Test ESR: {} streamed (as played here) · {} windowed",
        percent(facts.streaming_esr),
        percent(facts.windowed_esr)
    ));
    if facts.unstable_when_streamed {
        ui.label(
            RichText::new("Unstable when streamed: its streamed error is far above its windowed error.")
                .color(Color32::from_rgb(0xF0, 0x60, 0x60)),
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
