package gateway

import (
	"fmt"
	"net/netip"
	"skillcert/web"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Client addresses. Behind a reverse proxy every request comes from the proxy, and the client's address is
// in X-Forwarded-For. That header is written by whoever sends the request, so it is believed only when the
// request arrives from a configured proxy (SKILLCERT_TRUST_PROXY, a list of CIDRs), and then only the hops
// that trusted proxies appended: the list is read from the right, skipping trusted proxies, and the first
// other address is the client. A client that sends its own X-Forwarded-For only adds entries to the left
// of what the proxy appended, so a random value per request changes nothing. (Fiber's c.IP() with a proxy
// header takes the leftmost entry, the one the client chose, so it is not used for throttling.)

// trustedProxies is the parsed SKILLCERT_TRUST_PROXY.
type trustedProxies []netip.Prefix

// parseTrustedProxies reads a comma-separated list of CIDRs or single addresses; "" and "false" mean none.
func parseTrustedProxies(v string) (trustedProxies, error) {
	v = strings.TrimSpace(v)
	if v == "" || strings.EqualFold(v, "false") {
		return nil, nil
	}
	var out trustedProxies
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("config: SKILLCERT_TRUST_PROXY: %q is not a CIDR such as 10.0.0.0/8 or an IP address", s)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// contains reports whether addr belongs to a trusted proxy.
func (t trustedProxies) contains(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range t {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// strings returns the CIDRs as text (for Fiber's TrustedProxies).
func (t trustedProxies) strings() []string {
	out := make([]string, len(t))
	for i, p := range t {
		out[i] = p.String()
	}
	return out
}

// clientAddr returns the client's address given the peer's address and the X-Forwarded-For values in the
// order received.
func (t trustedProxies) clientAddr(peer netip.Addr, forwarded []string) netip.Addr {
	peer = peer.Unmap()
	if !t.contains(peer) {
		return peer
	}
	var hops []string
	for _, h := range forwarded {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			return client // garbage left of a trusted hop: the last address we can vouch for
		}
		client = hop
		if !t.contains(hop) {
			return hop
		}
	}
	return client
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a port.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

const localsClientIP = "skillcert.client_ip"

// clientIP is the request's client address (see trustedProxies), computed once per request. Rate limits,
// the login throttle and the access log use it.
func (a *app) clientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(localsClientIP).(string); ok {
		return ip
	}
	if ip, err := netip.ParseAddr(c.Get(web.ClientIPHeader)); err == nil && a.isInternal(c) {
		c.Locals(localsClientIP, ip.String()) // the web UI's call on behalf of the browser's request
		return ip.String()
	}
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	var forwarded []string
	if len(a.cfg.TrustProxy) > 0 {
		c.Request().Header.VisitAll(func(k, v []byte) {
			if strings.EqualFold(string(k), fiber.HeaderXForwardedFor) {
				forwarded = append(forwarded, string(v))
			}
		})
	}
	ip := a.cfg.TrustProxy.clientAddr(peer, forwarded).String()
	c.Locals(localsClientIP, ip)
	return ip
}
