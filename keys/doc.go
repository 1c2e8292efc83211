// Package keys finds, stores and masks the APIDot API key: the
// APIDOT_API_KEY variable first, then the OS keyring, every keyring call
// bounded by a timeout.
package keys
