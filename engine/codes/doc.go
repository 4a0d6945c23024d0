// Package codes decodes what a Quectel modem says: final result codes,
// +CME/+CMS error numbers, the Quectel file, socket and MQTT result codes,
// registration and signal reports, and the unsolicited lines the modem sends
// on its own.
//
// Every code table lives here, as data, so the engine, the CLI and the log
// explainer print the same words for the same number. The package imports
// only the standard library and never panics on any input: a line it cannot
// decode yields the empty string.
//
// Meanings are short and say what happened; hints are kept apart and say what
// to check, so a caller can print them on their own line.
package codes
