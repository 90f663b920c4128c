package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// certificate is the public verification answer (GET /api/v1/certificates/{number}): the masked name only,
// and with ?name= whether the typed name is the holder's.
type certificate struct {
	Number         string     `json:"number"`
	Status         string     `json:"status"`
	NameMasked     string     `json:"name_masked"`
	OccupationCode string     `json:"occupation_code"`
	OccupationName string     `json:"occupation_name"`
	LevelName      string     `json:"level_name"`
	IssuedOn       string     `json:"issued_on"`
	Issuer         string     `json:"issuer"`
	RevokedAt      *time.Time `json:"revoked_at"`
	NameMatches    *bool      `json:"name_matches"`
}

// NameCheck is the answer to the name check: "" when no name was given, else "match" or "mismatch".
func (c certificate) NameCheck() string {
	switch {
	case c.NameMatches == nil:
		return ""
	case *c.NameMatches:
		return "match"
	}
	return "mismatch"
}

// verifyRoutes are the public certificate lookup: GET /verify shows the form; a number alone opens the
// gateway's page /verify/{number} (the link printed on certificates). With a name, the form is posted, so
// that the name stays out of URLs, logs and the browser's history.
func (u *ui) verifyRoutes(r fiber.Router) {
	r.Get("/verify", u.verifyForm)
	r.Post("/verify", u.verifyCheck)
}

func (u *ui) verifyForm(c *fiber.Ctx) error {
	if n := strings.TrimSpace(c.Query("number")); n != "" {
		return c.Redirect("/verify/"+url.PathEscape(strings.ToUpper(n)), http.StatusSeeOther)
	}
	p := u.newPage(c, "职业技能等级证书查询")
	p.Me = nil
	return u.render(c, http.StatusOK, "verify", p)
}

// verifyCheck looks the certificate up through the API, with the name check when a name is typed. Only the
// API's masked name and its yes/no answer are shown: the page never reveals the holder's name.
func (u *ui) verifyCheck(c *fiber.Ctx) error {
	p := u.newPage(c, "职业技能等级证书查询")
	p.Me = nil
	p.Form = formValues(c, "number", "name")
	number := strings.ToUpper(p.Form["number"])
	p.Form["number"] = number
	if number == "" {
		p.Error = &APIError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "请填写证书编号",
			Fields: map[string]string{"number": "请填写证书编号"}}
		return u.render(c, p.Error.Status, "verify", p)
	}
	path := "/api/v1/certificates/" + url.PathEscape(number)
	if name := p.Form["name"]; name != "" {
		path += "?" + url.Values{"name": {name}}.Encode()
	}
	var cert certificate
	if err := u.API.Call(c.UserContext(), "", http.MethodGet, path, nil, &cert); err != nil {
		p.Error = asAPIError(err)
		if p.Error.Status == http.StatusNotFound {
			p.Error = &APIError{Status: http.StatusNotFound, Code: p.Error.Code, Message: "未查询到该证书",
				Fields: map[string]string{"number": "未查询到证书编号「" + number + "」，请核对后重试"}}
		}
		return u.render(c, p.Error.Status, "verify", p)
	}
	p.Data = cert
	return u.render(c, http.StatusOK, "verify", p)
}
