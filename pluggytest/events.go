package pluggytest

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Events the server emits on request, for tests of a receiver: transactions
// the institution removed (transactions/deleted) and a connector's health
// (connector/status_updated).

// DeleteTransactions removes transactions, as Pluggy does when an
// institution drops them on a later synchronisation (a pending transaction
// that never posted, a duplicate): they leave every list and GET
// /transactions/{id} answers 404. It emits one transactions/deleted per
// account, with the ids in the order given, and returns an error naming
// the first id the server does not hold (nothing is deleted then). An id
// already deleted, or given twice, is deleted once. Account balances are
// left as they were.
func (s *Server) DeleteTransactions(ids ...string) error {
	if len(ids) == 0 {
		return errors.New("pluggytest: DeleteTransactions: no id")
	}
	var err error
	s.withBank(func(b *bankState, _ time.Time) {
		type target struct {
			a *account
			j int64
		}
		targets := make([]target, 0, len(ids))
		for _, id := range ids {
			a, j, ok := b.findTx(id)
			if !ok {
				err = fmt.Errorf("pluggytest: DeleteTransactions: no transaction %.40q", id)
				return
			}
			targets = append(targets, target{a, j})
		}
		var order []*account
		byAccount := map[*account][]string{}
		for _, t := range targets {
			if t.a.isDeleted(t.j) {
				continue
			}
			t.a.markDeleted(t.j)
			if _, ok := byAccount[t.a]; !ok {
				order = append(order, t.a)
			}
			byAccount[t.a] = append(byAccount[t.a], b.txID(t.a.ordinal, t.j))
		}
		for _, a := range order {
			b.queue("transactions/deleted", map[string]any{"itemId": a.itemID, "accountId": a.id, "transactionIds": byAccount[a]})
		}
	})
	return err
}

// ConnectorHealth values for SetConnectorStatus.
const (
	ConnectorOnline   = "ONLINE"
	ConnectorOffline  = "OFFLINE"
	ConnectorUnstable = "UNSTABLE"
)

// SetConnectorStatus announces that a connector's health changed: it emits
// connector/status_updated with the connector's id and {"data": {"status":
// status}} (ONLINE, OFFLINE or UNSTABLE), without a clientId, as Pluggy
// sends it; GET /connectors and GET /connectors/{id} report the status from
// then on. It returns an error for a connector the server does not have
// or another status.
func (s *Server) SetConnectorStatus(connectorID int, status string) error {
	switch status {
	case ConnectorOnline, ConnectorOffline, ConnectorUnstable:
	default:
		return fmt.Errorf("pluggytest: SetConnectorStatus: status %.20q is not ONLINE, OFFLINE or UNSTABLE", status)
	}
	if _, ok := s.connector(connectorID); !ok {
		return fmt.Errorf("pluggytest: SetConnectorStatus: no connector %d", connectorID)
	}
	h := s.connectorHealth()
	h.mu.Lock()
	h.status[connectorID] = status
	h.mu.Unlock()
	s.emit(Event{Type: "connector/status_updated", Payload: map[string]any{
		"id": fmt.Sprint(connectorID), "data": map[string]any{"status": status}}})
	return nil
}

type connectorHealth struct {
	mu     sync.Mutex
	status map[int]string
}

func (s *Server) connectorHealth() *connectorHealth {
	return s.feature("connectorHealth", func() any { return &connectorHealth{status: map[int]string{}} }).(*connectorHealth)
}

// withHealth sets the health status SetConnectorStatus gave c's json.
func (s *Server) withHealth(c connectorJSON) connectorJSON {
	h := s.connectorHealth()
	h.mu.Lock()
	defer h.mu.Unlock()
	if st, ok := h.status[c.ID]; ok {
		c.Health.Status = st
	}
	return c
}

// Deleted transactions, per account: a sorted set of indices.

func (a *account) isDeleted(j int64) bool {
	i := sort.Search(len(a.deleted), func(i int) bool { return a.deleted[i] >= j })
	return i < len(a.deleted) && a.deleted[i] == j
}

func (a *account) markDeleted(j int64) {
	i := sort.Search(len(a.deleted), func(i int) bool { return a.deleted[i] >= j })
	if i < len(a.deleted) && a.deleted[i] == j {
		return
	}
	a.deleted = append(a.deleted, 0)
	copy(a.deleted[i+1:], a.deleted[i:])
	a.deleted[i] = j
}

// deletedIn counts the deleted indices in [lo, hi).
func (a *account) deletedIn(lo, hi int64) int64 {
	if hi <= lo {
		return 0
	}
	i := sort.Search(len(a.deleted), func(i int) bool { return a.deleted[i] >= lo })
	k := sort.Search(len(a.deleted), func(i int) bool { return a.deleted[i] >= hi })
	return int64(k - i)
}

// nthFromTop returns the index of the transaction that has offset
// undeleted ones above it in [lo, hi), or lo-1 when there is none.
func (a *account) nthFromTop(lo, hi, offset int64) int64 {
	j := hi - 1 - offset
	for {
		next := hi - 1 - offset - a.deletedIn(j+1, hi)
		if next == j {
			break
		}
		j = next
	}
	for j >= lo && a.isDeleted(j) {
		j--
	}
	return max(j, lo-1)
}
