package comeettest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// answer is a reply not yet written, so a fault can replace it.
type answer struct {
	status      int
	code        string // the error code, for the request log
	uid         string // the candidate created or named by a 409
	contentType string
	body        []byte
	retryAfter  string
	header      http.Header // more headers (a raw answer's)
}

// write sends the answer with a Date from the server's clock, so a test can
// put the server's clock off the client's.
func (a answer) write(w http.ResponseWriter, now time.Time) {
	h := w.Header()
	for k, vs := range a.header {
		h[k] = vs
	}
	if h.Get("Date") == "" {
		h.Set("Date", now.UTC().Format(http.TimeFormat))
	}
	if a.contentType != "" {
		h.Set("Content-Type", a.contentType)
	}
	if a.retryAfter != "" {
		h.Set("Retry-After", a.retryAfter)
	}
	w.WriteHeader(a.status)
	w.Write(a.body) //nolint:errcheck // the client may be gone; nothing to do
}

func answerJSON(status int, v any) answer {
	body, err := json.Marshal(v)
	if err != nil {
		return answerError(http.StatusInternalServerError, CodeServerError, err.Error())
	}
	return answer{status: status, contentType: "application/json", body: body}
}

// errorReply is Comeet's error body.
type errorReply struct {
	Status       int    `json:"status"`
	Error        string `json:"error"`
	Message      string `json:"message"`
	CandidateUID string `json:"candidate_uid,omitempty"`
}

func answerError(status int, code, message string) answer {
	a := answerJSON(status, errorReply{Status: status, Error: code, Message: message})
	a.code = code
	return a
}

func answerConflict(uid string) answer {
	a := answerJSON(http.StatusConflict, errorReply{
		Status: http.StatusConflict, Error: "candidate_post_conflict", CandidateUID: uid,
		Message: "Candidate with provided partner_candidate_id already exists in position with status in progress",
	})
	a.code, a.uid = "candidate_post_conflict", uid
	return a
}

// answerHTML is a gateway's error page, the kind a proxy in front of an API
// sends when the API is down.
func answerHTML(status int) answer {
	page := fmt.Sprintf("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n"+
		"<center><h1>%d %s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
		status, http.StatusText(status), status, http.StatusText(status))
	return answer{status: status, contentType: "text/html", body: []byte(page)}
}

// drain reads what is left of the body, so the client is not cut off while
// it is still sending and sees the answer instead of a broken pipe, and so
// the server notices when the client goes away.
func drain(r *http.Request) {
	io.Copy(io.Discard, r.Body) //nolint:errcheck // best effort
}

// reset closes the connection without an answer; with linger 0 the client
// gets a TCP reset rather than a clean end of stream.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) //nolint:errcheck // a clean close is still a failure for the client
	}
	conn.Close()
}
