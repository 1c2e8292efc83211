// Package jobs moves jobs through their states: it records a job before its
// submit request, stores the task id the moment it arrives, and polls every
// unfinished job until the server says it is finished or failed.
package jobs
