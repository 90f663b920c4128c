package uitest

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"skillcert/internal/devstack"
	"skillcert/workflows"
)

var temporalUI struct {
	once sync.Once
	err  error
}

// startTemporalUI runs the Temporal Web UI the way make dev does (deploy/dev/tools.sh temporal-ui-server, then
// deploy/dev/temporal-ui.sh run) against the stack's Temporal, with the codec endpoint of this test's
// gateway, on the port named by TEMPORAL_UI_URL. It stops when the tests end.
func startTemporalUI(t *testing.T, st *stack) {
	t.Helper()
	temporalUI.once.Do(func() { temporalUI.err = runTemporalUI(st) })
	if temporalUI.err != nil {
		t.Fatalf("temporal ui: %v", temporalUI.err)
	}
}

func runTemporalUI(st *stack) error {
	root, err := devstack.RepoRoot()
	if err != nil {
		return err
	}
	out, err := exec.Command(filepath.Join(root, "deploy/dev/tools.sh"), "temporal-ui-server").Output()
	if err != nil {
		return fmt.Errorf("tools.sh temporal-ui-server: %w", err)
	}
	bin, ok := strings.CutPrefix(strings.TrimSpace(string(out)), "SKILLCERT_TEMPORAL_UI_SERVER_BIN=")
	if !ok {
		return fmt.Errorf("tools.sh temporal-ui-server printed %q", out)
	}
	_, temporalPort, _ := strings.Cut(st.env["TEMPORAL_ADDRESS"], ":")
	uiURL := st.env["TEMPORAL_UI_URL"]
	dir := filepath.Join(st.workDir, "temporal-ui")
	cmd := exec.Command(filepath.Join(root, "deploy/dev/temporal-ui.sh"), "run", dir)
	cmd.Env = append(os.Environ(), "SKILLCERT_TEMPORAL_UI_SERVER_BIN="+bin, "SKILLCERT_TEMPORAL_PORT="+temporalPort,
		"SKILLCERT_TEMPORAL_UI_PORT="+uiURL[strings.LastIndex(uiURL, ":")+1:],
		"SKILLCERT_CODEC_ENDPOINT="+st.baseURL+"/codec")
	exited, err := startChild(cmd, filepath.Join(st.workDir, "temporal-ui.log"))
	if err != nil {
		return err
	}
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		select {
		case <-exited:
			return fmt.Errorf("temporal ui exited: %s", tail(filepath.Join(st.workDir, "temporal-ui.log")))
		default:
		}
		if resp, err := http.Get(uiURL + "/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
	}
	return fmt.Errorf("temporal ui not ready at %s", uiURL)
}

// tail returns the last lines of a log file, for error messages.
func tail(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	var lines []string
	for sc := bufio.NewScanner(f); sc.Scan(); {
		lines = append(lines, sc.Text())
		if len(lines) > 10 {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// finishedCase registers an applicant, creates an application in region and withdraws it, and returns the
// workflow ID and run ID once its workflow has completed.
func finishedCase(t *testing.T, st *stack, region string) (workflowID, runID string) {
	t.Helper()
	phone := newPhone()
	if s := st.api(t, "POST", "/api/v1/auth/register", "", map[string]string{"phone": phone,
		"password": applicantPasswd, "name": "历史测试", "id_number": newIDNumber()}, nil); s != 201 {
		t.Fatalf("register: %d", s)
	}
	token := st.login(t, phone, applicantPasswd)
	var app struct {
		ID string `json:"id"`
	}
	if s := st.api(t, "POST", "/api/v1/applications", token, map[string]any{"batch_id": st.newBatch(t),
		"region": region, "employer": "某事业单位", "employer_type": "agency", "occupation_code": "4-07-05-01",
		"level": 5, "pathway": "standard", "education": "high_school", "occupation_started_on": "2015-03-01"}, &app); s != 201 {
		t.Fatalf("create application: %d", s)
	}
	if s := st.api(t, "POST", "/api/v1/applications/"+app.ID+"/withdraw", token, map[string]string{"reason": "工作调动"}, nil); s != 200 {
		t.Fatalf("withdraw: %d", s)
	}
	c, err := client.Dial(client.Options{HostPort: st.env["TEMPORAL_ADDRESS"], Namespace: st.env["TEMPORAL_NAMESPACE"]})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	workflowID = workflows.WorkflowID(app.ID)
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		d, err := c.DescribeWorkflow(context.Background(), workflowID, "")
		if err == nil && d.Status == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
			return workflowID, d.RawResponse.GetWorkflowExecutionInfo().GetExecution().GetRunId()
		}
	}
	t.Fatalf("workflow %s did not complete", workflowID)
	return "", ""
}

// TestTemporalUIDecodesForAdmin: in the Temporal Web UI that make dev starts, an admin who signed in at
// /codec/login reads a finished case's input decoded (its region 包头市), with nothing set in the UI, also
// when the UI is opened as localhost; a browser without that sign-in sees only the encrypted payload.
func TestTemporalUIDecodesForAdmin(t *testing.T) {
	full(t)
	st := startStack(t)
	startTemporalUI(t, st)
	wfID, runID := finishedCase(t, st, "包头市")
	page := st.env["TEMPORAL_UI_URL"] + "/namespaces/default/workflows/" + wfID + "/" + runID + "/history"

	admin := newBrowser(t, st, desktop)
	admin.open("/codec/login")
	admin.fill(map[string]string{`input[name=login]`: "admin", `input[name=password]`: adminPassword})
	admin.do(chromedp.Click(chromedp.CSS(`form button`)))
	admin.waitText("body", "已登录")
	admin.shot("codec-login")
	admin.do(chromedp.Navigate(page))
	admin.waitText("body", `"region": "包头市"`)
	admin.shot("decoded")
	// Opened as localhost, another site than the gateway's 127.0.0.1 (so its SameSite codec cookie would
	// stay home), the UI sends the browser to its 127.0.0.1 address, where it decodes.
	local := strings.Replace(page, "http://127.0.0.1:", "http://localhost:", 1)
	if local == page {
		t.Fatalf("the UI's address %s is not on 127.0.0.1", page)
	}
	admin.do(chromedp.Navigate("about:blank"), chromedp.Navigate(local))
	admin.waitText("body", `"region": "包头市"`)
	if loc := admin.location(); !strings.HasPrefix(loc, st.env["TEMPORAL_UI_URL"]+"/") {
		t.Fatalf("the UI opened as localhost stayed at %s", loc)
	}

	anon := newBrowser(t, st, desktop)
	anon.do(chromedp.Navigate(page))
	// The UI shows the payload as stored: metadata base64-encoded, data ciphertext; and our hint to sign in.
	anon.waitText("body", base64.StdEncoding.EncodeToString([]byte("binary/encrypted")))
	anon.waitText("body", "解码失败：请管理员先在 "+st.baseURL+"/codec/login 登录")
	anon.shot("encrypted")
	if body := anon.text("body"); strings.Contains(body, "包头市") {
		t.Fatalf("without the admin sign-in the region is readable in the Temporal UI")
	}
}
