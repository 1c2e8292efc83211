// Package jobs moves jobs through their states: it records a job before its
// submit request, stores the task id the moment it arrives, and polls every
// unfinished job until the server says it is finished or failed.
//
// Front ends take one route, the Service: Submit or SubmitGroup, then
// Follow (background) or Await (wait for the end); Resume follows every
// unfinished job; Download or StartDownload save a video by package
// download's rules; Delete forgets jobs and stops following and
// downloading them. Everything that happens to a job is one Event on one
// stream (JobChanged, JobDeleted, DownloadProgress, DownloadFinished,
// DownloadFailed).
//
// A command prints the stream with Listen and stops it before printing
// its result:
//
//	stop := svc.Listen(printer.event)
//	defer stop()
//	out := svc.Await(ctx, ids)
//	stop() // every event before this point has been printed
//
// The terminal interface reads it through a tea.Cmd that waits for the
// next event and is issued again after each one; the subscription ends
// with the program's context, so no goroutine is left waiting after quit:
//
//	sub := svc.Subscribe(ctx)
//	func waitEvent(sub *jobs.Subscription) tea.Cmd {
//		return func() tea.Msg {
//			e, ok := sub.Next()
//			if !ok {
//				return nil
//			}
//			return jobEventMsg{e}
//		}
//	}
//
// Publishing never waits for a consumer: each subscription queues what its
// consumer has not taken yet (progress of one download folded into the
// latest), and a subscription whose context has ended is dropped.
package jobs
