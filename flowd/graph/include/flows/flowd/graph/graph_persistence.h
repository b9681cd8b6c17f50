// Keeps a ConnectivityGraph on disk: a snapshot plus an append-only log in
// the state directory, so a restart (or kill -9) loses at most the time since
// the last Checkpoint, and says how much that was.
//
// Files (own binary format, see graph_state.cc for the payload):
//   graph.snapshot   "FLGRAPH1" then one record: the full graph
//   graph.log        "FLGRAPH1" then records: what changed since the one before
//   record := u32 length, u32 crc32(body), body = u64 seq, i64 written_ns, payload
//
// Why binary and not JSON lines: sealed buckets are already compact binary
// blobs (bucket_codec.h), written as they are; a day of minute buckets for
// 20,000 edges is tens of MB in this form and several times that as JSON, and
// writing it every few seconds must stay cheap. Length + CRC per record make a
// torn or corrupted tail detectable.
//
// Writes: a snapshot is written with WriteFileAtomically (temporary file,
// fsync, rename over graph.snapshot, fsync of the directory); then the log is
// emptied. Log records are appended and fdatasync'ed; a failed append is
// cut off again (ftruncate) so the log never holds a partial record followed
// by good ones.
// Sequence numbers make a crash between the rename and the log truncation
// harmless: log records not newer than the snapshot are skipped on load.
//
// Load: the snapshot must be intact (a corrupted snapshot is an error; the
// caller may start empty and the next snapshot replaces it). The log is
// replayed up to its first bad record: a record cut short at the end of the
// file (a torn write) or failing its CRC is dropped with everything after it,
// the log is truncated there, and the report says how many records and bytes
// were dropped and how old the newest durable state is.
#pragma once

#include <cstdint>
#include <string>

#include "flows/common/result.h"
#include "flows/common/unique_fd.h"
#include "flows/flowd/graph/connectivity_graph.h"

namespace flows::flowd::graph {

struct LoadReport {
  bool snapshot_loaded = false;
  std::uint64_t log_records_applied = 0;
  std::uint64_t log_records_skipped = 0;  // already in the snapshot
  std::uint64_t records_dropped = 0;      // torn or corrupted, and any after them
  std::uint64_t bytes_dropped = 0;
  bool torn = false;        // the log ended in a partial record
  bool corrupt = false;     // a complete record failed its CRC or did not decode
  std::string detail;       // what was dropped and why, for the log line
  TimeNs last_durable = 0;  // written time of the newest record loaded (0: nothing)
  TimeNs lost_span = 0;     // now - last_durable: traffic in this span was not on disk
};

struct PersistenceOptions {
  // Checkpoint writes a snapshot instead of a log record once the log is
  // bigger than this (and when no snapshot exists yet).
  std::uint64_t max_log_bytes = std::uint64_t{64} << 20;
};

class GraphPersistence {
 public:
  // The graph must have been made with GraphOptions::durable.
  GraphPersistence(ConnectivityGraph& graph, std::string state_dir, PersistenceOptions options = {});
  ~GraphPersistence();
  GraphPersistence(const GraphPersistence&) = delete;
  GraphPersistence& operator=(const GraphPersistence&) = delete;

  // Loads the state directory into the (empty) graph, before any ingest. A
  // missing directory or files is an empty graph, not an error.
  Result<LoadReport> Load(TimeNs now);

  // Every few seconds: appends what changed, or writes a snapshot when one
  // is due (none yet, the log is over max_log_bytes, or a write failed).
  Status Checkpoint(TimeNs now);
  Status AppendLog(TimeNs now);
  Status WriteSnapshot(TimeNs now);

  std::string snapshot_path() const { return dir_ + "/graph.snapshot"; }
  std::string log_path() const { return dir_ + "/graph.log"; }
  std::uint64_t log_bytes() const { return log_size_; }
  std::uint64_t snapshot_bytes() const { return snapshot_size_; }
  TimeNs last_durable() const { return last_durable_; }

 private:
  Status CreateDir() const;
  Status OpenLog();
  void EnsureSession();
  std::string Frame(std::uint64_t seq, TimeNs now, const std::string& payload) const;

  ConnectivityGraph& graph_;
  const std::string dir_;
  const PersistenceOptions options_;
  UniqueFd log_fd_;
  std::uint64_t log_size_ = 0;
  std::uint64_t snapshot_size_ = 0;
  std::uint64_t next_seq_ = 1;
  bool need_snapshot_ = true;
  bool session_set_ = false;
  TimeNs last_durable_ = 0;
};

}  // namespace flows::flowd::graph
