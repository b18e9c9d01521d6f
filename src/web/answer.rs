//! What a REST answer means for a Rust caller, read by the core as the JavaScript `createClient`
//! reads it ([`crate::rest::read_answer`]): the data, nothing (204, 304), a batch that partly
//! succeeded (207, or a 422 that still saved items), or a failure with its problem.

use crate::history::Details;
use crate::partial::Partial;

/// A successful answer of [`Client::fetch_answer`](super::Client::fetch_answer).
///
/// ```no_run
/// # async fn run(client: commerce_fetch::web::Client) -> Result<(), commerce_fetch::web::Error> {
/// #[derive(serde::Deserialize)]
/// struct Brands {
///     data: Vec<serde::de::IgnoredAny>,
/// }
///
/// let answer = client
///     .get_answer::<Brands>("https://api.bigcommerce.com/stores/abc123/v3/catalog/brands")
///     .await?;
/// let count = answer.data.map_or(0, |brands| brands.data.len());
/// println!("{count} brands after {} attempt(s)", answer.details.attempts);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Answer<T> {
    /// The HTTP status.
    pub status: u16,
    /// The body as the caller's type; `None` for 204 and 304, which have none.
    pub data: Option<T>,
    /// For a batch that partly succeeded (207, or a 422 that saved some items): what failed, and the
    /// counts when the body gives them. `data` then holds the body, saved items included.
    pub partial: Option<Partial>,
    /// The attempts made and why they stopped.
    pub details: Details,
}

impl<T> Answer<T> {
    /// Whether some of a batch failed.
    pub fn is_partial(&self) -> bool {
        self.partial.is_some()
    }
}
