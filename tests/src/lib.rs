//! Bindings for the pages the project ships, compiled once and shared by
//! the integration tests.

bitrix24::bitrix_method!(
    "../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md"
);
