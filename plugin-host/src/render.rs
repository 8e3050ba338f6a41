//! Rendering a whole signal through the plugin in blocks, the way a DAW's audio thread calls it.

use crate::clap_host::{HostError, LoadedPlugin};

/// How the host cuts the signal: a fixed block size, or a repeating pattern of sizes (hosts vary block sizes
/// between calls, e.g. around loop points and automation).
#[derive(Clone, Debug)]
pub enum Blocks {
    Fixed(usize),
    Pattern(Vec<usize>),
}

impl Blocks {
    pub fn max(&self) -> usize {
        match self {
            Blocks::Fixed(n) => *n,
            Blocks::Pattern(sizes) => sizes.iter().copied().max().unwrap_or(1),
        }
        .max(1)
    }

    fn size(&self, index: usize) -> usize {
        match self {
            Blocks::Fixed(n) => *n,
            Blocks::Pattern(sizes) if !sizes.is_empty() => sizes[index % sizes.len()],
            Blocks::Pattern(_) => 1,
        }
        .max(1)
    }
}

/// A parameter change at a sample position (applied at the start of the block containing it).
#[derive(Clone, Debug)]
pub struct Automation {
    pub at: usize,
    pub param: String,
    pub value: f64,
}

/// Renders `input` through an active plugin, returning the output (same length).
pub fn render(
    plugin: &mut LoadedPlugin,
    input: &[f32],
    blocks: &Blocks,
    automation: &[Automation],
) -> Result<Vec<f32>, HostError> {
    let mut output = vec![0.0f32; input.len()];
    let mut scratch_in = vec![0.0f32; blocks.max()];
    let mut start = 0;
    let mut index = 0;
    let mut next_change = 0;
    while start < input.len() {
        let n = blocks.size(index).min(input.len() - start);
        while let Some(change) = automation.get(next_change).filter(|c| c.at < start + n) {
            plugin.set_param(&change.param, change.value)?;
            next_change += 1;
        }
        scratch_in[..n].copy_from_slice(&input[start..start + n]);
        plugin.process(&mut scratch_in[..n], &mut output[start..start + n])?;
        start += n;
        index += 1;
    }
    Ok(output)
}
