// Package decisionbatch is the stored form of the decision log
// (store.DecisionLog) that the SQLite and PostgreSQL backends share: a
// batch of decisions, as the audit writer hands them over, is one row
// holding one compact binary value, instead of one row (and one index
// entry, and one trimmed row) per decision.
//
// A batch's value is a string table followed by the decisions, each field
// an index into the table, so the principal, caller, action, resource and
// reason that a busy client repeats in every decision are stored once per
// batch, and a reader that asks for one principal skips every batch whose
// table lacks it without decoding its decisions. The decisions of a batch
// are numbered first, first+1, ...: the backends allocate those sequence
// numbers densely, so "how many are kept" is arithmetic on them (see
// Select's floor).
//
// It owns the encoding, the selection of a DecisionQuery within one batch,
// and the loops both backends run over their rows (splitting into
// numbered batches, the kept bound, reading batches and converting the
// old one-row-per-decision log); the backends own the statements and the
// transactions.
package decisionbatch
