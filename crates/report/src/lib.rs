//! Outputs of k2bone: tables, plots and reports. This crate only reads results; it never simulates.

pub mod bands;
pub mod columnar;
pub mod curves;
pub mod disclaimer;
pub mod font;
pub mod forest;
pub mod funnel;
pub mod page;
pub mod risk_chart;
pub mod timecourse;
pub mod timeseries;
pub mod topics;
