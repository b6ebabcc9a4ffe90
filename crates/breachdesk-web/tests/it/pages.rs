//! The public HTML pages.
