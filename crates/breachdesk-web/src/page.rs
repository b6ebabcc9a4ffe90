//! What an HTML handler answers: its page, or a [`PageError`] — the page to answer instead (a
//! 404 or 403 in the reader's language, an error page, a logged 500). Handlers of the desk and of
//! the public pages return a [`Page`] and pass refusals on with `?`; each area adds the
//! constructors for its own error pages (`desk::common`, `pages`).

use axum::response::{IntoResponse, Response};

/// Why a handler could not serve its page, as the answer to give instead.
#[derive(Debug)]
pub(crate) struct PageError(Box<Response>);

/// What an HTML handler answers.
pub(crate) type Page = Result<Response, PageError>;

impl PageError {
    /// Answer with this page instead.
    pub(crate) fn new(response: Response) -> Self {
        Self(Box::new(response))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        *self.0
    }
}
