//! The editor's own widgets: rotary knobs bound to parameters, a switch with its LED, level meters with clip
//! lights, and the gate light.

use egui::{Align2, Color32, FontId, Pos2, Response, Sense, Stroke, Ui, Vec2};
use nice_plug::prelude::{Param, ParamSetter, util};

const KNOB_SIZE: f32 = 46.0;
/// Pixels of vertical drag for the whole range; shift-drag is ten times finer.
const DRAG_PIXELS: f32 = 200.0;
/// The knob sweeps 270 degrees, from 7:30 to 4:30 o'clock.
const SWEEP: f32 = 1.5 * std::f32::consts::PI;

pub const ACCENT: Color32 = Color32::from_rgb(0xE8, 0x8A, 0x2E);

/// A knob: drag up or down to turn, double-click to reset; the host sees one gesture per drag.
pub fn knob<P: Param>(ui: &mut Ui, param: &P, setter: &ParamSetter, label: &str) -> Response {
    knob_sized(ui, param, setter, label, KNOB_SIZE)
}

/// A knob of the given diameter, with its label above it (as printed on a pedal) and its value below.
pub fn knob_sized<P: Param>(ui: &mut Ui, param: &P, setter: &ParamSetter, label: &str, size: f32) -> Response {
    column(ui, size + 24.0, |ui| {
        if size > KNOB_SIZE {
            ui.label(egui::RichText::new(label).size(13.0).strong().color(LEGEND));
        }
        let (rect, response) = ui.allocate_exact_size(Vec2::new(size + 24.0, size), Sense::click_and_drag());
        let mut normalized = param.unmodulated_normalized_value();
        if response.drag_started() {
            setter.begin_set_parameter(param);
        }
        if response.dragged() {
            let fine = if ui.input(|i| i.modifiers.shift) { 10.0 } else { 1.0 };
            normalized = (normalized - response.drag_delta().y / (DRAG_PIXELS * fine)).clamp(0.0, 1.0);
            setter.set_parameter_normalized(param, normalized);
        }
        if response.drag_stopped() {
            setter.end_set_parameter(param);
        }
        if response.double_clicked() {
            setter.begin_set_parameter(param);
            setter.set_parameter(param, param.default_plain_value());
            setter.end_set_parameter(param);
        }

        let painter = ui.painter();
        let center = rect.center();
        let radius = size * 0.42;
        painter.circle_filled(center, radius, Color32::from_gray(48));
        painter.circle_stroke(center, radius, Stroke::new(1.5, Color32::from_gray(90)));
        let angle = |n: f32| std::f32::consts::FRAC_PI_2 + 0.25 * std::f32::consts::PI + n * SWEEP;
        let point = |n: f32, r: f32| center + Vec2::angled(angle(n)) * r;
        // The arc from zero to the value, drawn as short segments.
        let steps = 24;
        for i in 0..steps {
            let (a, b) = (i as f32 / steps as f32, (i + 1) as f32 / steps as f32);
            let color = if b <= normalized { ACCENT } else { Color32::from_gray(70) };
            painter.line_segment([point(a, radius + 4.0), point(b, radius + 4.0)], Stroke::new(3.0, color));
        }
        painter.line_segment([center, point(normalized, radius - 3.0)], Stroke::new(2.5, Color32::WHITE));

        if size <= KNOB_SIZE {
            ui.label(egui::RichText::new(label).small());
        }
        ui.label(egui::RichText::new(param.normalized_value_to_string(normalized, true)).small().strong());
        response
    })
}

/// A column of fixed width inside a row, its contents centred: a knob with its legend, a meter.
pub fn column<R>(ui: &mut Ui, width: f32, contents: impl FnOnce(&mut Ui) -> R) -> R {
    let layout = egui::Layout::top_down(egui::Align::Center);
    ui.allocate_ui_with_layout(Vec2::new(width, 0.0), layout, |ui| {
        ui.set_width(width);
        contents(ui)
    })
    .inner
}

/// The colour of the printed legends on the face.
pub const LEGEND: Color32 = Color32::from_gray(225);

/// A switch with an LED beside its name, bound to a bool parameter; click to toggle.
pub fn switch(ui: &mut Ui, param: &nice_plug::prelude::BoolParam, setter: &ParamSetter, label: &str) -> Response {
    let on = param.value();
    let text =
        egui::RichText::new(format!("    {label}")).size(13.0).strong().color(if on { Color32::WHITE } else { LEGEND });
    let button = egui::Button::new(text).min_size(Vec2::new(84.0, 26.0)).corner_radius(4.0).fill(if on {
        Color32::from_rgb(0x4A, 0x34, 0x1C)
    } else {
        Color32::from_gray(38)
    });
    let response = ui.add(button);
    let led = Pos2::new(response.rect.left() + 12.0, response.rect.center().y);
    let color = if on { Color32::from_rgb(0xFF, 0x40, 0x30) } else { Color32::from_rgb(0x50, 0x18, 0x14) };
    ui.painter().circle_filled(led, 4.5, color);
    if response.clicked() {
        setter.begin_set_parameter(param);
        setter.set_parameter(param, !on);
        setter.end_set_parameter(param);
    }
    response
}

/// A vertical peak meter from -60 to 0 dBFS with a clip light on top that stays lit while `clipped` is true.
pub fn vertical_meter(ui: &mut Ui, label: &str, peak: f32, clipped: bool) {
    column(ui, 30.0, |ui| {
        let (clip_rect, _) = ui.allocate_exact_size(Vec2::new(22.0, 10.0), Sense::hover());
        let clip_color =
            if clipped { Color32::from_rgb(0xFF, 0x30, 0x30) } else { Color32::from_rgb(0x40, 0x14, 0x14) };
        ui.painter().rect_filled(clip_rect, 2.0, clip_color);
        let db = util::gain_to_db(peak.max(util::MINUS_INFINITY_GAIN));
        let (rect, _) = ui.allocate_exact_size(Vec2::new(14.0, 150.0), Sense::hover());
        let painter = ui.painter();
        painter.rect_filled(rect, 2.0, Color32::from_gray(24));
        let fill = ((db + 60.0) / 60.0).clamp(0.0, 1.0);
        let mut lit = rect;
        lit.set_top(rect.bottom() - rect.height() * fill);
        let color = if db > -1.0 {
            Color32::from_rgb(0xE0, 0x40, 0x40)
        } else if db > -12.0 {
            Color32::from_rgb(0xE0, 0xC0, 0x40)
        } else {
            Color32::from_rgb(0x4C, 0xC0, 0x6A)
        };
        painter.rect_filled(lit, 2.0, color);
        for mark in [-48.0f32, -36.0, -24.0, -12.0, -6.0] {
            let y = rect.bottom() - rect.height() * (mark + 60.0) / 60.0;
            painter.line_segment(
                [Pos2::new(rect.left(), y), Pos2::new(rect.right(), y)],
                Stroke::new(1.0, Color32::from_gray(10)),
            );
        }
        ui.label(egui::RichText::new(label).small().strong().color(LEGEND));
        let text = if db <= util::MINUS_INFINITY_DB { "-inf".to_owned() } else { format!("{db:.0}") };
        ui.label(egui::RichText::new(text).small().monospace());
    });
}

/// The gate light: lit while the gate passes signal.
pub fn gate_light(ui: &mut Ui, open: bool, enabled: bool) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(16.0), Sense::hover());
    let color = match (enabled, open) {
        (false, _) => Color32::from_gray(60),
        (true, true) => Color32::from_rgb(0x40, 0xE0, 0x60),
        (true, false) => Color32::from_rgb(0x70, 0x20, 0x20),
    };
    ui.painter().circle_filled(rect.center(), 6.5, color);
    ui.painter().circle_stroke(rect.center(), 6.5, Stroke::new(1.0, Color32::from_gray(20)));
}

/// A heading drawn into the panel, for sections.
pub fn section(ui: &mut Ui, title: &str) {
    ui.add_space(4.0);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(ui.available_width(), 16.0), Sense::hover());
    ui.painter().text(
        Pos2::new(rect.left(), rect.center().y),
        Align2::LEFT_CENTER,
        title,
        FontId::proportional(13.0),
        ACCENT,
    );
}
