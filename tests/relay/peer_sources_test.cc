// Peers from notifications (untrusted) and DNS, applied to a PeerManager.
// Channels are created but nothing listens: only the bookkeeping is tested.
#include "flows/relay/peer_sources.h"

#include <gtest/gtest.h>

#include "flows/relay/credentials.h"

namespace flows::relay {
namespace {

using namespace std::chrono_literals;

ChannelFactory Dial() {
  return *MakeChannelFactory(DialOptions{});
}

peer::ChangeNotification Note(peer::ChangeNotificationType type, const std::string& name,
                              const std::string& address, const std::string& tls = {}) {
  peer::ChangeNotification n;
  n.set_type(type);
  n.set_name(name);
  n.set_address(address);
  if (!tls.empty()) n.mutable_tls()->set_server_name(tls);
  return n;
}

std::map<std::string, PeerView> ByName(const PeerManager& m) {
  std::map<std::string, PeerView> out;
  for (const auto& p : m.Snapshot()) out[p.spec.name] = p;
  return out;
}

TEST(NotifyPeerSourceTest, AddsUpdatesAndDeletesNodes) {
  PeerManager peers(Dial(), nullptr, {});
  NotifyPeerSource src(peers, Dial(), "127.0.0.1:1", 4244, Backoff({.initial = 100ms, .max = 1s}));
  EXPECT_TRUE(src.Apply(Note(peer::PEER_ADDED, "node-a", "10.0.0.1")));  // Hubble sends bare IPs
  EXPECT_TRUE(src.Apply(Note(peer::PEER_ADDED, "node-b", "[fd00::2]:5000", "node-b.flows")));
  auto p = ByName(peers);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p["node-a"].spec.address, "10.0.0.1:4244");
  EXPECT_EQ(p["node-b"].spec.address, "[fd00::2]:5000");
  EXPECT_EQ(p["node-b"].spec.tls_server_name, "node-b.flows");
  EXPECT_EQ(p["node-a"].state, ::relay::NODE_UNAVAILABLE);

  EXPECT_TRUE(src.Apply(Note(peer::PEER_UPDATED, "node-a", "10.0.0.9:4244")));
  EXPECT_EQ(ByName(peers)["node-a"].spec.address, "10.0.0.9:4244");
  EXPECT_TRUE(src.Apply(Note(peer::PEER_DELETED, "node-b", "")));
  EXPECT_EQ(ByName(peers).count("node-b"), 0u);
}

TEST(NotifyPeerSourceTest, RefusesJunkAndKeepsGoing) {
  PeerManager peers(Dial(), nullptr, {});
  NotifyPeerSource src(peers, Dial(), "127.0.0.1:1", 4244, Backoff({.initial = 100ms, .max = 1s}));
  EXPECT_FALSE(src.Apply(Note(peer::UNKNOWN, "x", "10.0.0.1")));
  EXPECT_FALSE(src.Apply(Note(peer::PEER_ADDED, "x", "")));
  EXPECT_FALSE(src.Apply(Note(peer::PEER_ADDED, "x", "10.0.0.1:99999")));
  EXPECT_FALSE(src.Apply(Note(peer::PEER_ADDED, "x", "bad host name:1")));
  EXPECT_FALSE(src.Apply(Note(peer::PEER_ADDED, std::string(300, 'n'), "10.0.0.1")));
  EXPECT_FALSE(src.Apply(Note(peer::PEER_ADDED, "x", std::string(400, '1'))));
  peer::ChangeNotification bad_type;
  bad_type.set_type(static_cast<peer::ChangeNotificationType>(77));
  EXPECT_FALSE(src.Apply(bad_type));
  EXPECT_TRUE(peers.Snapshot().empty());
  // No name: known by its address.
  EXPECT_TRUE(src.Apply(Note(peer::PEER_ADDED, "", "10.0.0.3")));
  EXPECT_EQ(peers.Snapshot().at(0).spec.name, "10.0.0.3:4244");
}

TEST(PeerManagerTest, OriginsOnlyTouchTheirOwnPeers) {
  PeerManager peers(Dial(), nullptr, {});
  peers.Replace("static", {{"a", "127.0.0.1:1", {}}, {"b", "127.0.0.1:2", {}}});
  peers.Replace("dns:x", {{"c", "127.0.0.1:3", {}}});
  peers.Remove("dns:x", "a");  // not its peer
  EXPECT_EQ(peers.Snapshot().size(), 3u);
  peers.Replace("static", {{"b", "127.0.0.1:2", {}}});
  auto p = ByName(peers);
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(p.count("a"), 0u);
  peers.Replace("dns:x", {});
  EXPECT_EQ(peers.Snapshot().size(), 1u);
}

TEST(PeerManagerTest, BoundsTheNumberOfPeers) {
  PeerManager peers(Dial(), nullptr, PeerManager::Options{.poll = 1s, .max_peers = 3});
  for (int i = 0; i < 10; ++i)
    peers.Upsert("notify", {"n" + std::to_string(i), "127.0.0.1:" + std::to_string(i + 1), {}});
  EXPECT_EQ(peers.Snapshot().size(), 3u);
}

TEST(DnsPeerSourceTest, ResolvesANameToOnePeerPerAddress) {
  PeerManager peers(Dial(), nullptr, {});
  DnsPeerSource dns(peers, "localhost:4244", 1h);
  EXPECT_EQ(dns.ResolveOnce(), "");
  const auto p = ByName(peers);
  EXPECT_EQ(p.count("127.0.0.1:4244"), 1u);
  DnsPeerSource bad(peers, "no-such-host.invalid:4244", 1h);
  EXPECT_NE(bad.ResolveOnce(), "");
  EXPECT_EQ(ByName(peers).count("127.0.0.1:4244"), 1u) << "a failed lookup changes nothing";
  DnsPeerSource junk(peers, "no port", 1h);
  EXPECT_NE(junk.ResolveOnce(), "");
}

}  // namespace
}  // namespace flows::relay
