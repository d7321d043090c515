package netbios

import (
	"context"
	"net"

	"github.com/gosmb/gosmb/future"
)

// The Async variants run a query in its own goroutine and return a Future
// for its result, like every operation of the SMB client. ctx is the
// query's lifetime: cancelling it ends the query, whose Future then
// resolves with an error wrapping ctx's error. The context given to the
// Future's Wait bounds only the wait.

// QueryNameAsync is QueryName returning a Future.
func (ns *NameService) QueryNameAsync(ctx context.Context, name string, suffix byte, addr *net.UDPAddr, broadcast bool) *future.Future[[]net.IP] {
	return future.Go(func() ([]net.IP, error) {
		return ns.QueryName(ctx, name, suffix, addr, broadcast)
	})
}

// QueryIPForNameAsync is QueryIPForName returning a Future.
func (ns *NameService) QueryIPForNameAsync(ctx context.Context, ip net.IP) *future.Future[[]NodeName] {
	return future.Go(func() ([]NodeName, error) {
		return ns.QueryIPForName(ctx, ip)
	})
}

// NodeStatusAsync is NodeStatus returning a Future.
func (ns *NameService) NodeStatusAsync(ctx context.Context, ip net.IP) *future.Future[*NodeStatusResponse] {
	return future.Go(func() (*NodeStatusResponse, error) {
		return ns.NodeStatus(ctx, ip)
	})
}
