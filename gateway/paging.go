package gateway

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Paging of every list endpoint (API.md, "Additions": bounded page and page_size, keyset paging with after).
// A list is read either by page number (page, page_size: OFFSET) or by keyset (after, page_size: the rows
// after the last one seen, which costs what the first page costs). Both fetch page_size+1 rows to learn
// whether another page follows, and both answer next_cursor; the page mode also answers next_page.

const (
	defaultPageSize = 50
	maxPageSize     = 200
	// maxPage bounds the offset (maxPage·maxPageSize rows): deeper positions are reached with after.
	maxPage = 10000
	// maxCursorLen bounds the after parameter before it is decoded.
	maxCursorLen = 512
)

// listKind names a keyset-paged list and whether its tie-breaking ID is an integer (else a UUID). A cursor
// answers only the list that issued it.
type listKind struct {
	name  string
	intID bool
}

var (
	tasksList        = listKind{name: "tasks"}
	applicationsList = listKind{name: "applications"}
	auditTrailList   = listKind{name: "audit", intID: true}
	recentAuditList  = listKind{name: "audit_recent", intID: true}
	examSessionsList = listKind{name: "exam_sessions"}
)

// pageKey is the position of a row in its list's order: the ordering time, an optional sequence number,
// and the row's ID. Encoded, it is the opaque cursor of after and next_cursor.
type pageKey struct {
	List string    `json:"l"`
	At   time.Time `json:"t"`
	Seq  int64     `json:"s,omitempty"`
	ID   string    `json:"i"`
}

// encode returns the cursor text of k: URL-safe base64 of its JSON.
func (k pageKey) encode() string {
	b, err := json.Marshal(k)
	if err != nil {
		panic(fmt.Sprintf("encode page key: %v", err)) // a struct of a string, a time and an int always encodes
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodePageKey parses a cursor of list kind, refusing anything this gateway did not issue for that list.
func decodePageKey(kind listKind, s string) (pageKey, bool) {
	var k pageKey
	if len(s) > maxCursorLen {
		return k, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return k, false
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if dec.Decode(&k) != nil || dec.More() || k.List != kind.name || k.At.IsZero() || k.Seq < 0 {
		return k, false
	}
	if kind.intID {
		n, err := strconv.ParseInt(k.ID, 10, 64)
		return k, err == nil && n > 0
	}
	return k, validUUID(k.ID)
}

// pageRequest is a list request's position and size, validated.
type pageRequest struct {
	Page  int      // 1-based page number (1 in keyset mode)
	Size  int      // rows per page
	After *pageKey // the last row seen (keyset mode), or nil
}

// readPage reads and validates page, page_size and after for list kind. Every failure is a 422 naming
// the field.
func readPage(c *fiber.Ctx, kind listKind) (pageRequest, error) {
	f := fieldErrors{}
	p := pageRequest{Page: 1, Size: defaultPageSize}
	if v := c.Query("page"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > maxPage {
			f.add("page", fmt.Sprintf("页码应为1至%d的整数；更靠后的位置请用 next_cursor 翻页", maxPage))
		} else {
			p.Page = n
		}
	}
	if v := c.Query("page_size"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > maxPageSize {
			f.add("page_size", fmt.Sprintf("每页条数应为1至%d的整数", maxPageSize))
		} else {
			p.Size = n
		}
	}
	if v := c.Query("after"); v != "" {
		k, ok := decodePageKey(kind, v)
		switch {
		case !ok:
			f.add("after", "翻页游标无效，请使用上一页返回的 next_cursor")
		case p.Page != 1:
			f.add("page", "使用 after 游标翻页时不能同时指定 page")
		default:
			p.After = &k
		}
	}
	return p, f.err()
}

// offset is the number of rows to skip (0 in keyset mode).
func (p pageRequest) offset() int32 {
	if p.After != nil {
		return 0
	}
	return int32((p.Page - 1) * p.Size) // at most maxPage·maxPageSize, far below 2³¹
}

// limit is the number of rows to fetch: one more than a page, to learn whether another follows.
func (p pageRequest) limit() int32 { return int32(p.Size + 1) }

// afterAt, afterSeq and afterID are the keyset query parameters: nil in page mode.
func (p pageRequest) afterAt() *time.Time {
	if p.After == nil {
		return nil
	}
	return &p.After.At
}

func (p pageRequest) afterSeq() *int64 {
	if p.After == nil {
		return nil
	}
	return &p.After.Seq
}

func (p pageRequest) afterID() *string {
	if p.After == nil {
		return nil
	}
	return &p.After.ID
}

// afterNum is afterID of a list with integer IDs (checked by decodePageKey).
func (p pageRequest) afterNum() *int64 {
	if p.After == nil {
		return nil
	}
	n, _ := strconv.ParseInt(p.After.ID, 10, 64)
	return &n
}

// makePage turns the rows of a query run with p.limit() into a page: view renders a row, key gives a
// row's position in the list's order.
func makePage[R, T any](p pageRequest, kind listKind, rows []R, view func(R) T, key func(R) pageKey) page[T] {
	out := page[T]{Items: make([]T, 0, min(len(rows), p.Size))}
	for i, r := range rows {
		if i == p.Size {
			last := key(rows[i-1])
			last.List = kind.name
			cursor := last.encode()
			out.NextCursor = &cursor
			if p.After == nil && p.Page < maxPage {
				next := p.Page + 1
				out.NextPage = &next
			}
			break
		}
		out.Items = append(out.Items, view(r))
	}
	return out
}

// pageQuery lists the query parameters of paging, for the route table.
var pageQuery = []string{"page", "page_size", "after"}
