// Package notify delivers the notification outbox (the notifications table that the workflows fill with
// reminders and decisions): by e-mail over SMTP when the recipient has an address, else by SMS.
//
// Any number of senders may run (one per worker). Each leases a batch of due rows with SELECT … FOR UPDATE
// SKIP LOCKED and a lease expiry, so two senders never hold the same row and a crashed sender's rows come
// back after the lease. A delivered row is marked sent; a failure is counted and retried with backoff, and
// after the last attempt (or when the recipient has no address at all) the row is dead-lettered (dead_at,
// last_error). A crash between the SMTP hand-over and the mark can send a row twice; the Message-ID is the
// row's dedupe key so that receiving systems can drop the repeat.
package notify
