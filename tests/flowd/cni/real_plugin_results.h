// Results printed by Debian 12's containernetworking-plugins 1.1.1, captured
// verbatim (only the netns names shortened): what flows-cni gets as
// prevResult behind them.
#pragma once

namespace flows::flowd::testing {

// bridge, cniVersion 1.0.0: bridge, host veth, pod eth0; the IP points at eth0.
inline constexpr const char* kBridgeResult100 = R"({
    "cniVersion": "1.0.0",
    "interfaces": [
        {"name": "cni-exp0", "mac": "4a:32:59:c3:93:e7"},
        {"name": "veth6a1ec340", "mac": "f2:ca:29:0d:d2:08"},
        {"name": "eth0", "mac": "1e:3e:2f:ba:61:ca", "sandbox": "/var/run/netns/exp-pod"}
    ],
    "ips": [{"interface": 2, "address": "10.77.0.2/24", "gateway": "10.77.0.1"}],
    "dns": {}
})";

// bridge, cniVersion 0.4.0: the same, and each IP says its "version".
inline constexpr const char* kBridgeResult040 = R"({
    "cniVersion": "0.4.0",
    "interfaces": [
        {"name": "cni-exp0", "mac": "4a:32:59:c3:93:e7"},
        {"name": "veth2905f1b5", "mac": "62:d7:23:93:92:cb"},
        {"name": "eth0", "mac": "a6:98:16:05:71:4b", "sandbox": "/var/run/netns/exp-pod2"}
    ],
    "ips": [{"version": "4", "interface": 2, "address": "10.77.0.3/24", "gateway": "10.77.0.1"}],
    "dns": {}
})";

// ptp: host veth and pod eth0, no bridge.
inline constexpr const char* kPtpResult = R"({
    "cniVersion": "1.0.0",
    "interfaces": [
        {"name": "veth8ff85450", "mac": "26:b5:63:02:55:63"},
        {"name": "eth0", "mac": "06:9a:b5:c0:38:61", "sandbox": "/var/run/netns/exp-pod"}
    ],
    "ips": [{"interface": 1, "address": "10.78.0.2/24", "gateway": "10.78.0.1"}],
    "dns": {}
})";

// loopback: only the sandbox's lo, with 127.0.0.1 and ::1.
inline constexpr const char* kLoopbackResult = R"({
    "cniVersion": "1.0.0",
    "interfaces": [{"name": "lo", "mac": "00:00:00:00:00:00", "sandbox": "/var/run/netns/exp-pod"}],
    "ips": [{"interface": 0, "address": "127.0.0.1/8"}, {"interface": 0, "address": "::1/128"}],
    "dns": {}
})";

}  // namespace flows::flowd::testing
