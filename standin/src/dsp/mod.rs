//! Signal-processing building blocks shared by the reference circuits and the procedural guitar.

pub mod analog;
pub mod fir;
pub mod iir;
#[cfg(test)]
pub mod nodal;
pub mod oversampling;
pub mod pot;
pub mod spectrum;
