/// Why a resampler could not be built. Every variant says what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResampleError {
    #[error(
        "sample rate {rate} Hz is outside the supported {min}..={max} Hz; set the host or file to a standard rate \
         such as 44100, 48000 or 96000",
        min = super::MIN_SAMPLE_RATE,
        max = super::MAX_SAMPLE_RATE
    )]
    UnsupportedRate { rate: u32 },
    #[error(
        "resampling {from} Hz <-> {to} Hz needs blocks of {block} samples at {to} Hz (the rates share only a factor \
         of {gcd}), which would add over 50 ms of latency; use a standard rate such as 44100, 48000 or 96000"
    )]
    RatePairTooCoarse { from: u32, to: u32, gcd: u32, block: usize },
    #[error(
        "host sample rate {rate} Hz is outside the {min}..={max} Hz BlackBox plays at; set the host to a standard \
         rate such as 44100, 48000 or 96000",
        min = super::MIN_HOST_RATE,
        max = super::MAX_SAMPLE_RATE
    )]
    UnsupportedHostRate { rate: u32 },
    #[error("input block has {input} samples but the output block has {output}; pass slices of equal length")]
    BlockLengthMismatch { input: usize, output: usize },
    #[error("resampler could not be built for {from} Hz -> {to} Hz: {reason}")]
    Construction { from: u32, to: u32, reason: String },
    #[error(
        "sample {index} of the clip is {value}, which is not audio (non-finite or beyond +-1e6); clean or \
         re-export the recording"
    )]
    UnusableSample { index: usize, value: f32 },
    #[error("resampling a clip of {len} samples from {from} Hz to {to} Hz failed: {reason}")]
    Clip { len: usize, from: u32, to: u32, reason: String },
}
