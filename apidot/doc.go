// Package apidot speaks APIDot's Sora 2 Official API: it validates a
// request locally, submits it, reads a task's status, prices a request from
// the catalog and classifies every failure into a typed error.
package apidot
