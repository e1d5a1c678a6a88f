//! Insights: what needs attention now.
