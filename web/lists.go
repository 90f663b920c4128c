package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"skillcert/api"
)

// listing is one page of a list endpoint as a staff page shows it: the items, the next page when there is
// one, this page's number and the filters to carry into the paging links.
type listing[T any] struct {
	Items    []T
	NextPage *int
	Page     int
	Query    string
}

// fetchList reads one page of the list endpoint at path (api.Page), filtered by the request's values of
// filters (echoed into p's form) and paged by its page parameter; a refusal becomes p's error.
func fetchList[T any](u *ui, c *fiber.Ctx, p *page, path string, filters []string) listing[T] {
	q := url.Values{}
	for _, f := range filters {
		if v := strings.TrimSpace(c.Query(f)); v != "" {
			q.Set(f, v)
			p.Form[f] = v
		}
	}
	l := listing[T]{Query: q.Encode(), Page: 1}
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 1 {
		l.Page = n
		q.Set("page", strconv.Itoa(n))
	}
	var ans api.Page[T]
	if err := u.API.Call(c.UserContext(), token(c), http.MethodGet, path+"?"+q.Encode(), nil, &ans); err != nil {
		p.Error = asAPIError(err)
	}
	l.Items, l.NextPage = ans.Items, ans.NextPage
	return l
}
