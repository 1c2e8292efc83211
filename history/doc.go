// Package history is the crash-safe record of a user's jobs: a bbolt file
// that holds every job with its parameters, status history and results, with
// the indexes that keep listing fast at any size, and JSON Lines import and
// export.
package history
