//! Holds the route table to the handlers: the query, body and answer a route
//! declares for the OpenAPI document must be the ones its handler's
//! signature reads and writes, or the crate does not compile.

use crate::client_address::ClientAddress;
use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::visible_contact::VisibleContact;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::Json;
use std::future::Future;

/// A handler return type whose JSON body is `T` (`()`: no body).
pub trait Answer<T> {}

impl<T> Answer<T> for Json<T> {}
impl<T> Answer<T> for (StatusCode, Json<T>) {}
impl<T, const N: usize> Answer<T> for ([(HeaderName, String); N], Json<T>) {}
impl Answer<()> for StatusCode {}
impl<const N: usize> Answer<()> for ([(HeaderName, String); N], StatusCode) {}
impl<T, A: Answer<T>, E> Answer<T> for Result<A, E> {}

/// A handler argument that reads request body `B` (`()`: none). axum takes
/// the body in the last argument only, so that is the one checked.
pub trait ReadsBody<B> {}

impl<B> ReadsBody<B> for ApiJson<B> {}
/// A signed body is read raw, so the signature is checked on the very
/// bytes sent; it is documented as any JSON (the sender's own shape).
impl ReadsBody<serde_json::Value> for axum::body::Bytes {}
impl<Q> ReadsQuery<Q> for axum::body::Bytes {}
impl ReadsBody<()> for () {}
impl<Q> ReadsBody<()> for Query<Q> {}

/// A handler argument that, if it reads the query string, reads it as `Q`
/// (`()`: a route declaring no query has no `Query` argument).
pub trait ReadsQuery<Q> {}

impl<Q> ReadsQuery<Q> for Query<Q> {}
impl<Q, B> ReadsQuery<Q> for ApiJson<B> {}

/// Extractors that read neither the body nor the query string.
macro_rules! reads_neither {
    ($($extractor:ty $(, $generic:ident)?;)*) => {
        $(
            impl<$($generic)?> ReadsBody<()> for $extractor {}
            impl<Q, $($generic)?> ReadsQuery<Q> for $extractor {}
        )*
    };
}

reads_neither! {
    State<S>, S;
    Path<P>, P;
    Staff;
    VisibleContact;
    HeaderMap;
    ClientAddress;
}

/// An async function of `Args`, by what its future yields, its last
/// argument, and whether all its arguments read the query as `Q`.
pub trait Handler<Args> {
    /// What the handler's future yields.
    type Output;
    /// Its last argument (`()` for none).
    type Last;
}

/// Every argument of a handler of `Self` reads the query as `Q`, if at all.
pub trait ArgsReadQuery<Q> {}

macro_rules! handler_of {
    ($($arg:ident),* ; $last:ty) => {
        impl<F, Fut, $($arg,)*> Handler<($($arg,)*)> for F
        where
            F: FnOnce($($arg),*) -> Fut,
            Fut: Future,
        {
            type Output = Fut::Output;
            type Last = $last;
        }

        impl<Q, $($arg: ReadsQuery<Q>,)*> ArgsReadQuery<Q> for ($($arg,)*) {}
    };
}

handler_of!(; ());
handler_of!(A1; A1);
handler_of!(A1, A2; A2);
handler_of!(A1, A2, A3; A3);
handler_of!(A1, A2, A3, A4; A4);
handler_of!(A1, A2, A3, A4, A5; A5);
handler_of!(A1, A2, A3, A4, A5, A6; A6);

/// Compiles only when `handler` reads query `Q` (if any), body `B` and
/// answers with a `T` body.
pub fn check<Q, B, T, H, Args>(_handler: H)
where
    H: Handler<Args>,
    Args: ArgsReadQuery<Q>,
    H::Output: Answer<T>,
    H::Last: ReadsBody<B>,
{
}
