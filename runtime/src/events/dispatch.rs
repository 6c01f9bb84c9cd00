//! Events as one enum. `bitrix_api!` generates, for the event pages under
//! its directory, an `events::Event` enum with a variant per event and
//! `Other` for any code it binds no page for, and implements [`EventSet`]
//! for it; the handler then gives verified events as that enum:
//!
//! ```ignore
//! bitrix24::bitrix_api!("docs/api-reference/crm");
//!
//! match handler.receive_event::<events::Event>(content_type, body).await? {
//!     events::Event::CrmLeadAdd(lead) => println!("lead {:?} added", lead.data.fields),
//!     events::Event::Other(payload) => println!("{} not bound", payload.event),
//!     _ => {}
//! }
//! ```
//!
//! Codes compare without regard to case (`ONCRMLEADADD`, `onCrmLeadAdd`).

use serde_json::Value;

use super::handler::{EventError, EventHandler};
use super::offline::OfflineEvent;
use super::payload::{EventAuth, Payload};

/// An enum of events, one variant per event it binds and one for any other
/// code (implemented by the `Event` enum that `bitrix_api!` generates).
pub trait EventSet: Sized {
    /// The codes of the bound events, upper case, in the order of the
    /// variants: what to give `event.bind`.
    const CODES: &'static [&'static str];

    /// The variant for the payload's code, compared without regard to case,
    /// with `data` read into that event's type; a code not bound keeps the
    /// payload as it came. Fails only when a bound event's `data` does not
    /// fit its type. Verify the payload first ([`EventHandler::receive_event`]
    /// does).
    fn from_payload(payload: Payload<Value>) -> Result<Self, serde_json::Error>;

    /// Whether `code` is one of [`EventSet::CODES`], compared without regard
    /// to case.
    fn binds(code: &str) -> bool {
        Self::CODES.iter().any(|c| c.eq_ignore_ascii_case(code))
    }

    /// An event from `event.offline.get` (which comes through the
    /// application's own call, so it needs no token check). It carries no
    /// `auth`, `event_handler_id` or `ts`; `data` sent as `false` reads as
    /// none.
    fn from_offline(event: OfflineEvent) -> Result<Self, serde_json::Error> {
        Self::from_payload(Payload {
            event: event.event,
            event_handler_id: None,
            data: event.data,
            ts: None,
            auth: EventAuth::default(),
        })
    }
}

impl EventHandler {
    /// Decodes, verifies, then reads the event into the variant of `E` for
    /// its code ([`EventSet::from_payload`]). A forged or unverifiable body
    /// is an [`EventError::Verify`] and never becomes an `E`; a bound
    /// event whose `data` does not fit its type is an [`EventError::Data`].
    pub async fn receive_event<E: EventSet>(
        &self,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<E, EventError> {
        let payload = self.receive(content_type, body).await?;
        E::from_payload(payload).map_err(EventError::Data)
    }
}

/// The axum route of [`super::service::route`] with events given to
/// `callback` as `E` (feature `axum`): each POST is verified and answered at
/// once, as there; a verified event is then read into `E` on the
/// callback's task. A bound event whose `data` does not fit its type has
/// been answered 200 by then (the portal would only send it again): it is
/// logged as a warning and not given to `callback`.
///
/// ```ignore
/// bitrix24::bitrix_api!("docs/api-reference/crm");
///
/// let app = axum::Router::new().route(
///     "/bitrix/events",
///     bitrix24::events::route_events(handler, |event: events::Event| async move {
///         if let events::Event::CrmLeadAdd(lead) = event { println!("{:?}", lead.data) }
///     }),
/// );
/// ```
#[cfg(feature = "axum")]
pub fn route_events<E, F, Fut>(handler: EventHandler, callback: F) -> axum::routing::MethodRouter
where
    E: EventSet + Send + 'static,
    F: Fn(E) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    use futures_util::future::Either;
    super::service::route(handler, move |payload| match E::from_payload(payload) {
        Ok(event) => Either::Left(callback(event)),
        Err(error) => {
            tracing::warn!(%error, "event data does not fit its type; not handled");
            Either::Right(std::future::ready(()))
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::events::{MemoryApplicationTokens, VerifyError};

    #[derive(Debug, Deserialize)]
    struct Fields {
        #[serde(rename = "FIELDS")]
        fields: Value,
    }

    /// What the generated enum looks like.
    #[derive(Debug)]
    enum Demo {
        ThingAdd(Payload<Fields>),
        Other(Payload<Value>),
    }

    impl EventSet for Demo {
        const CODES: &'static [&'static str] = &["ONDEMOTHINGADD"];

        fn from_payload(payload: Payload<Value>) -> Result<Self, serde_json::Error> {
            match payload.event.to_ascii_uppercase().as_str() {
                "ONDEMOTHINGADD" => payload.typed().map(Demo::ThingAdd),
                _ => Ok(Demo::Other(payload)),
            }
        }
    }

    fn body(code: &str, token: &str) -> String {
        format!(
            "event={code}&data%5BFIELDS%5D%5BID%5D=5&auth%5Bmember_id%5D=m1&auth%5Bapplication_token%5D={token}"
        )
    }

    #[tokio::test]
    async fn verified_events_become_variants_and_forged_ones_errors() {
        let handler = EventHandler::new(Arc::new(MemoryApplicationTokens::single("tok")));
        for code in ["ONDEMOTHINGADD", "onDemoThingAdd"] {
            let event: Demo = handler
                .receive_event(None, body(code, "tok").as_bytes())
                .await
                .unwrap();
            match event {
                Demo::ThingAdd(p) => assert_eq!(p.data.fields["ID"], "5"),
                other => panic!("{other:?}"),
            }
        }
        let other: Demo = handler
            .receive_event(None, body("ONDEMOTHINGDELETE", "tok").as_bytes())
            .await
            .unwrap();
        assert!(matches!(other, Demo::Other(p) if p.data["FIELDS"]["ID"] == "5"));
        assert!(matches!(
            handler
                .receive_event::<Demo>(None, body("ONDEMOTHINGADD", "forged").as_bytes())
                .await,
            Err(EventError::Verify(VerifyError::WrongToken))
        ));
        // Data of another shape for a bound code is a typed error (422).
        let error = handler
            .receive_event::<Demo>(
                None,
                b"event=ONDEMOTHINGADD&data=7&auth%5Bmember_id%5D=m1&auth%5Bapplication_token%5D=tok",
            )
            .await
            .unwrap_err();
        assert_eq!(error.status(), 422, "{error}");
        assert!(Demo::binds("onDemoThingAdd") && !Demo::binds("onDemoThing"));
    }

    #[test]
    fn offline_events_read_the_same_way() {
        let event = OfflineEvent {
            id: Some(1),
            timestamp: None,
            event: "onDemoThingAdd".into(),
            data: json!({"FIELDS": {"ID": 9}}),
            additional: Value::Null,
            message_id: None,
        };
        match Demo::from_offline(event).unwrap() {
            Demo::ThingAdd(p) => assert_eq!(p.data.fields["ID"], 9),
            other => panic!("{other:?}"),
        }
    }

    #[cfg(feature = "axum")]
    #[tokio::test]
    async fn the_axum_route_gives_verified_events_typed() {
        use axum::body::Body;
        use axum::http::Request;
        use tower::ServiceExt;

        let (sender, mut received) = tokio::sync::mpsc::unbounded_channel();
        let handler = EventHandler::new(Arc::new(MemoryApplicationTokens::single("tok")));
        let app = axum::Router::new().route(
            "/events",
            route_events(handler, move |event: Demo| {
                let sender = sender.clone();
                async move {
                    let _ = sender.send(event);
                }
            }),
        );
        let post = |body: String| {
            Request::builder()
                .method("POST")
                .uri("/events")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap()
        };
        let status = |answer: axum::response::Response| answer.status().as_u16();
        let genuine = app.clone().oneshot(post(body("onDemoThingAdd", "tok")));
        assert_eq!(status(genuine.await.unwrap()), 200);
        let event = tokio::time::timeout(std::time::Duration::from_secs(5), received.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(event, Demo::ThingAdd(p) if p.data.fields["ID"] == "5"));
        let forged = app.clone().oneshot(post(body("ONDEMOTHINGADD", "forged")));
        assert_eq!(status(forged.await.unwrap()), 401);
        // Verified, but `data` of another shape: answered, never handled.
        let misfit =
            "event=ONDEMOTHINGADD&data=7&auth%5Bmember_id%5D=m1&auth%5Bapplication_token%5D=tok";
        let answer = app.clone().oneshot(post(misfit.into()));
        assert_eq!(status(answer.await.unwrap()), 200);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(received.try_recv().is_err(), "a rejected post was handled");
    }
}
