package inspect

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// pdfToolsScript runs pdfinfo ($0) and then pdftotext ($1) in one sandbox, so a PDF costs one sandbox
// start instead of two (each start is a shell, bubblewrap and six namespaces: about as much CPU as the tools
// themselves on a one-page PDF). pdfinfo reads the PDF from fd 3 and writes to fds 4 and 5; pdftotext reads
// standard input and writes to standard output and error. Each tool gets only its own descriptors, and the
// shell closes pdfinfo's once it is done, so each pipe ends with its tool. Both exit statuses (128 + the
// signal when a tool was killed) go to fd 6 as one line: only the shell writes there, so what a tool
// prints on a file cannot forge it. One after the other, not side by side: a PDF then runs one tool at a
// time, as each used to, and a slot of toolSlots is one tool process.
const pdfToolsScript = `"$0" - <&3 >&4 2>&5 3<&- 4>&- 5>&- 6>&-
info=$?
exec 3<&- 4>&- 5>&-
"$1" -enc UTF-8 -eol unix - - 6>&-
text=$?
echo "$info $text" >&6`

// runPDFTools runs pdfinfo and pdftotext on data in one sandbox, under the limits, and returns each
// tool's output and verdict (nil, ErrEncrypted, ErrDamaged or ErrTooHeavy). err is set when the tools
// could not run at all: not a verdict on the file.
func runPDFTools(data []byte) (info, text []byte, infoErr, textErr, err error) {
	infoPath, err := exec.LookPath("pdfinfo")
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("run pdfinfo: %w: %w", errToolMissing, err)
	}
	textPath, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("run pdftotext: %w: %w", errToolMissing, err)
	}
	shPath, err := exec.LookPath("sh")
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("run the PDF tools: %w", err)
	}
	toolSlots <- struct{}{}
	defer func() { <-toolSlots }()
	ctx, cancel := context.WithTimeout(context.Background(), ToolTimeout)
	defer cancel()
	cmd := sandboxed(ctx, shPath, "-c", pdfToolsScript, infoPath, textPath)
	// The shell and both tools share the process group the sandbox starts (Setsid): a timeout kills them
	// all, not only the process at its head.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	cmd.Stdin = bytes.NewReader(data)
	textOut := &cappedBuffer{limit: MaxTextBytes, onOverflow: cancel}
	infoOut := &cappedBuffer{limit: 64 << 10, onOverflow: cancel}
	textErrOut, infoErrOut := &cappedBuffer{limit: 16 << 10, quiet: true}, &cappedBuffer{limit: 16 << 10, quiet: true}
	status := &cappedBuffer{limit: 64, quiet: true}
	cmd.Stdout, cmd.Stderr = textOut, textErrOut
	p, err := newPipes(data, infoOut, infoErrOut, status)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("run the PDF tools: %w", err)
	}
	cmd.ExtraFiles = p.child // fds 3, 4, 5, 6
	runErr := cmd.Start()
	p.started()
	if runErr == nil {
		runErr = cmd.Wait()
	}
	p.wait()
	if runErr != nil && cmd.Process == nil {
		return nil, nil, nil, nil, fmt.Errorf("run the PDF tools: %w", runErr)
	}
	infoStatus, textStatus, ok := parseStatuses(status.buf.String())
	switch {
	case infoOut.overflow || textOut.overflow || ctx.Err() != nil:
		return nil, nil, ErrTooHeavy, ErrTooHeavy, nil
	case !ok:
		return nil, nil, nil, nil, fmt.Errorf("run the PDF tools: %v: %s", runErr, strings.TrimSpace(textErrOut.buf.String()))
	}
	return infoOut.buf.Bytes(), textOut.buf.Bytes(), toolVerdict(infoStatus, infoErrOut.buf.String()),
		toolVerdict(textStatus, textErrOut.buf.String()), nil
}

// parseStatuses reads the script's last line: the exit statuses of pdfinfo and pdftotext.
func parseStatuses(s string) (info, text int, ok bool) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, 0, false
	}
	info, err1 := strconv.Atoi(f[0])
	text, err2 := strconv.Atoi(f[1])
	return info, text, err1 == nil && err2 == nil
}

// toolVerdict turns a tool's exit status (as the shell reports it: 128 + the signal when it was killed)
// and its error output into a verdict on the file.
func toolVerdict(status int, stderr string) error {
	switch {
	case status == 0:
		return nil
	case strings.Contains(stderr, "Incorrect password"):
		return ErrEncrypted
	case status > 128 && (syscall.Signal(status-128) == syscall.SIGXCPU || syscall.Signal(status-128) == syscall.SIGKILL):
		return ErrTooHeavy // the CPU limit, or killed
	case strings.Contains(stderr, "Out of memory") || strings.Contains(stderr, "bad_alloc"):
		return ErrTooHeavy
	}
	return ErrDamaged // a parse error, or a crash on this file
}

// pipes are the extra descriptors of the tools' shell: the PDF for pdfinfo (fd 3), pdfinfo's output and
// errors (fds 4, 5) and the exit statuses (fd 6).
type pipes struct {
	child  []*os.File // the ends the child gets
	parent []*os.File // the ends this process keeps
	wg     sync.WaitGroup
	data   []byte
	sinks  []io.Writer
}

func newPipes(data []byte, sinks ...io.Writer) (*pipes, error) {
	p := &pipes{data: data, sinks: sinks}
	r, w, err := os.Pipe() // fd 3: the child reads
	if err != nil {
		return nil, err
	}
	p.child, p.parent = append(p.child, r), append(p.parent, w)
	for range sinks { // fds 4…: the child writes
		r, w, err := os.Pipe()
		if err != nil {
			p.closeAll()
			return nil, err
		}
		p.child, p.parent = append(p.child, w), append(p.parent, r)
	}
	return p, nil
}

// started closes the child's ends here (the child has its own copies, or did not start) and copies
// between this process and the child until the pipes end.
func (p *pipes) started() {
	for _, f := range p.child {
		f.Close()
	}
	p.wg.Add(1 + len(p.sinks))
	go func() {
		defer p.wg.Done()
		_, _ = p.parent[0].Write(p.data) // fails once pdfinfo stops reading (EPIPE): that is its verdict
		p.parent[0].Close()
	}()
	for i, sink := range p.sinks {
		go func() {
			defer p.wg.Done()
			_, _ = io.Copy(sink, p.parent[i+1])
		}()
	}
}

// wait waits for the copies and closes this process' ends (which ends any copy a leftover holder of a
// pipe keeps open).
func (p *pipes) wait() {
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	p.closeAll()
	<-done
}

func (p *pipes) closeAll() {
	for _, f := range append(p.child, p.parent...) {
		f.Close()
	}
}
