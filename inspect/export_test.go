package inspect

// SetSandboxMode switches the confinement of the PDF tools for a test and returns a function that
// restores it. A mode that does not work here makes the tools fail (no verdict).
func SetSandboxMode(mode string) (restore func()) {
	SandboxMode()
	saved := sandbox.mode
	sandbox.mode = mode
	return func() { sandbox.mode = saved }
}
