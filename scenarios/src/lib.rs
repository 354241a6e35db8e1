//! # heapsim scenarios
//!
//! Scripted leak scenarios for the simulator.
