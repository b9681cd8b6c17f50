#include "flows/flowd/graph/graph_persistence.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <optional>
#include <sstream>

#include "flows/common/atomic_file.h"
#include "flows/flowd/graph/byte_io.h"
#include "flows/flowd/graph/crc32.h"

namespace flows::flowd::graph {
namespace {

constexpr std::string_view kHeader = "FLGRAPH1";
constexpr std::size_t kFrameHeader = 8;  // u32 length, u32 crc
constexpr std::size_t kBodyHeader = 16;  // u64 seq, i64 written_ns
constexpr std::uint32_t kMaxRecord = 1u << 30;

// A whole state file; std::nullopt when there is none. The graph is bounded
// by its memory budget, and so are its files (plus the log's limit).
Result<std::optional<std::string>> ReadStateFile(const std::string& path) {
  constexpr std::size_t kMaxStateFile = std::size_t{4} << 30;
  Result<std::string> data = ReadSmallFile(path, kMaxStateFile);
  if (!data) {
    if (data.error().err == ENOENT) return std::optional<std::string>();
    return data.error();
  }
  return std::optional<std::string>(std::move(*data));
}

struct Record {
  std::uint64_t seq = 0;
  TimeNs written = 0;
  std::string_view payload;
  std::size_t end = 0;  // offset just past the record
};

enum class Parse { kOk, kEnd, kTorn, kCorrupt };

// Reads the record at `offset`; on kTorn/kCorrupt `why` says what is wrong.
Parse ReadRecord(std::string_view data, std::size_t offset, Record* rec, std::string* why) {
  if (offset == data.size()) return Parse::kEnd;
  const std::size_t left = data.size() - offset;
  if (left < kFrameHeader) {
    *why = "record header cut short (" + std::to_string(left) + " of 8 bytes)";
    return Parse::kTorn;
  }
  ByteReader r(data.substr(offset, kFrameHeader));
  const std::uint32_t length = r.U32();
  const std::uint32_t crc = r.U32();
  if (length < kBodyHeader || length > kMaxRecord) {
    *why = "bad record length " + std::to_string(length);
    return Parse::kCorrupt;
  }
  if (length > left - kFrameHeader) {
    *why = "record cut short (" + std::to_string(left - kFrameHeader) + " of " + std::to_string(length) +
           " bytes)";
    return Parse::kTorn;
  }
  const std::string_view body = data.substr(offset + kFrameHeader, length);
  const std::uint32_t actual = Crc32(body);
  if (actual != crc) {
    std::ostringstream s;
    s << "CRC mismatch (stored 0x" << std::hex << crc << ", computed 0x" << actual << ")";
    *why = s.str();
    // A complete-looking last record with a bad CRC is what a write cut by a
    // crash leaves when the file grew before the data reached the disk.
    return offset + kFrameHeader + length == data.size() ? Parse::kTorn : Parse::kCorrupt;
  }
  ByteReader b(body);
  rec->seq = b.U64();
  rec->written = static_cast<TimeNs>(b.U64());
  rec->payload = body.substr(kBodyHeader);
  rec->end = offset + kFrameHeader + length;
  return Parse::kOk;
}

// Records that still look well-framed from `offset` on (for the report).
std::uint64_t CountFrames(std::string_view data, std::size_t offset) {
  std::uint64_t n = 0;
  while (offset < data.size()) {
    ++n;
    if (data.size() - offset < kFrameHeader) break;
    ByteReader r(data.substr(offset, 4));
    const std::uint32_t length = r.U32();
    if (length < kBodyHeader || length > data.size() - offset - kFrameHeader) break;
    offset += kFrameHeader + length;
  }
  return n;
}

}  // namespace

GraphPersistence::GraphPersistence(ConnectivityGraph& graph, std::string state_dir,
                                   PersistenceOptions options)
    : graph_(graph), dir_(std::move(state_dir)), options_(options) {}

GraphPersistence::~GraphPersistence() = default;

std::string GraphPersistence::Frame(std::uint64_t seq, TimeNs now, const std::string& payload) const {
  std::string body;
  body.reserve(kBodyHeader + payload.size());
  ByteWriter b(&body);
  b.U64(seq);
  b.U64(static_cast<std::uint64_t>(now));
  body.append(payload);
  std::string frame;
  frame.reserve(kFrameHeader + body.size());
  ByteWriter f(&frame);
  f.U32(static_cast<std::uint32_t>(body.size()));
  f.U32(Crc32(body));
  frame.append(body);
  return frame;
}

Result<LoadReport> GraphPersistence::Load(TimeNs now) {
  LoadReport report;
  std::uint64_t max_seq = 0;
  std::uint64_t snapshot_seq = 0;
  TimeNs last_durable = 0;

  Result<std::optional<std::string>> snapshot = ReadStateFile(snapshot_path());
  if (!snapshot) return snapshot.error();
  if (*snapshot) {
    const std::string& data = **snapshot;
    if (data.size() < kHeader.size() || std::string_view(data).substr(0, kHeader.size()) != kHeader) {
      return Error::Invalid(snapshot_path() + ": not a flows graph snapshot (bad header)");
    }
    Record rec;
    std::string why;
    const Parse p = ReadRecord(data, kHeader.size(), &rec, &why);
    if (p != Parse::kOk) {
      return Error::Invalid(snapshot_path() + ": record at byte 8: " + (p == Parse::kEnd ? "missing" : why));
    }
    if (Status applied = graph_.Apply(rec.payload); !applied) {
      return Error::Invalid(snapshot_path() + ": " + applied.error().message);
    }
    snapshot_seq = max_seq = rec.seq;
    last_durable = rec.written;
    snapshot_size_ = data.size();
    report.snapshot_loaded = true;
  }
  snapshot = std::optional<std::string>();  // frees the snapshot's bytes

  std::size_t good = kHeader.size();
  Result<std::optional<std::string>> log = ReadStateFile(log_path());
  if (!log) return log.error();
  const bool log_exists = log->has_value();
  const std::string data = log_exists ? std::move(**log) : std::string();
  if (log_exists && !data.empty()) {
    if (data.size() < kHeader.size() || std::string_view(data).substr(0, kHeader.size()) != kHeader) {
      report.corrupt = true;
      report.records_dropped = CountFrames(data, std::min(data.size(), kHeader.size()));
      report.bytes_dropped = data.size();
      report.detail = log_path() + ": bad header, log ignored";
    } else {
      std::size_t offset = kHeader.size();
      for (;;) {
        Record rec;
        std::string why;
        const Parse p = ReadRecord(data, offset, &rec, &why);
        if (p == Parse::kEnd) break;
        if (p == Parse::kOk && rec.seq <= snapshot_seq) {
          ++report.log_records_skipped;
          offset = rec.end;
          continue;
        }
        Status applied = OkStatus();
        if (p == Parse::kOk) {
          applied = graph_.Apply(rec.payload);
          if (applied) {
            ++report.log_records_applied;
            max_seq = std::max(max_seq, rec.seq);
            last_durable = std::max(last_durable, rec.written);
            offset = rec.end;
            continue;
          }
        }
        if (p == Parse::kTorn) {
          report.torn = true;
        } else {
          report.corrupt = true;
          if (p == Parse::kOk) why = "does not decode: " + applied.error().message;
        }
        report.records_dropped = CountFrames(data, offset);
        report.bytes_dropped = data.size() - offset;
        report.detail = log_path() + ": record at byte " + std::to_string(offset) + ": " + why +
                        "; dropped " + std::to_string(report.records_dropped) + " record(s), " +
                        std::to_string(report.bytes_dropped) + " bytes";
        break;
      }
      good = offset;
    }
  }
  graph_.FinishLoad();

  next_seq_ = max_seq + 1;
  // Sequence numbers only grow, so the first one this writer will use names it.
  graph_.SetWriterSession(next_seq_);
  session_set_ = true;
  last_durable_ = last_durable;
  report.last_durable = last_durable;
  report.lost_span = last_durable > 0 && now > last_durable ? now - last_durable : 0;
  need_snapshot_ = !report.snapshot_loaded;

  // Appends go after the last good record (or a fresh header).
  if (log_exists) {
    if (Status opened = OpenLog(); !opened) return opened.error();
    if (report.bytes_dropped > 0) {
      const bool header_ok =
          data.size() >= kHeader.size() && std::string_view(data).substr(0, kHeader.size()) == kHeader;
      const std::size_t keep = header_ok ? good : 0;
      if (::ftruncate(log_fd_.get(), static_cast<off_t>(keep)) != 0) {
        return Error::System("truncate " + log_path(), errno);
      }
      log_size_ = keep;
      if (!header_ok) {
        if (Status w = WriteAll(log_fd_.get(), kHeader, log_path()); !w) return w.error();
        log_size_ = kHeader.size();
      }
    }
  }
  return report;
}

Status GraphPersistence::CreateDir() const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Error{"create " + dir_ + ": " + ec.message(), ec.value()};
  return OkStatus();
}

Status GraphPersistence::OpenLog() {
  if (log_fd_) return OkStatus();
  if (Status made = CreateDir(); !made) return made;
  UniqueFd fd(::open(log_path().c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return Error::System("open " + log_path(), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error::System("stat " + log_path(), errno);
  log_size_ = static_cast<std::uint64_t>(st.st_size);
  if (log_size_ == 0) {
    if (Status w = WriteAll(fd.get(), kHeader, log_path()); !w) return w;
    log_size_ = kHeader.size();
  }
  log_fd_ = std::move(fd);
  return OkStatus();
}

void GraphPersistence::EnsureSession() {
  if (!session_set_) {
    graph_.SetWriterSession(next_seq_);
    session_set_ = true;
  }
}

Status GraphPersistence::Checkpoint(TimeNs now) {
  if (need_snapshot_ || log_size_ > options_.max_log_bytes) return WriteSnapshot(now);
  return AppendLog(now);
}

Status GraphPersistence::AppendLog(TimeNs now) {
  EnsureSession();
  if (need_snapshot_) return WriteSnapshot(now);
  std::string payload;
  if (!graph_.EncodeDelta(&payload)) return OkStatus();
  // The delta is now marked written in the graph: if it does not reach the
  // disk, only a snapshot can bring the files up to date again.
  if (Status opened = OpenLog(); !opened) {
    need_snapshot_ = true;
    return opened;
  }
  const std::string frame = Frame(next_seq_, now, payload);
  Status written = WriteAll(log_fd_.get(), frame, log_path());
  if (written && ::fdatasync(log_fd_.get()) != 0) written = Error::System("fdatasync " + log_path(), errno);
  if (!written) {
    // Never a partial record followed by good ones.
    (void)::ftruncate(log_fd_.get(), static_cast<off_t>(log_size_));
    need_snapshot_ = true;
    return written;
  }
  ++next_seq_;
  log_size_ += frame.size();
  last_durable_ = now;
  return OkStatus();
}

Status GraphPersistence::WriteSnapshot(TimeNs now) {
  EnsureSession();
  if (Status made = CreateDir(); !made) return made;
  std::string payload;
  graph_.EncodeFull(&payload);
  const std::uint64_t seq = next_seq_;
  std::string data(kHeader);
  data += Frame(seq, now, payload);
  payload.clear();
  payload.shrink_to_fit();

  if (Status written = WriteFileAtomically(snapshot_path(), data); !written) {
    graph_.SnapshotWritten(false);
    need_snapshot_ = true;
    return written;
  }
  graph_.SnapshotWritten(true);
  ++next_seq_;
  snapshot_size_ = data.size();
  last_durable_ = now;
  need_snapshot_ = false;

  // The log's records are all in the snapshot now (and would be skipped by
  // their sequence numbers if this truncation did not happen).
  if (Status opened = OpenLog(); !opened) return opened;
  if (::ftruncate(log_fd_.get(), static_cast<off_t>(kHeader.size())) != 0) {
    return Error::System("truncate " + log_path(), errno);
  }
  log_size_ = kHeader.size();
  return OkStatus();
}

}  // namespace flows::flowd::graph
