//! Demand forecasting. Filled by the forecast work.
