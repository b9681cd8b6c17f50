// tcx_helper chain <ifname>                      tcx chains: "<ingress|egress> <prog id> <name>"
// tcx_helper link <pinned link>                  "<link id> <prog id> <ifindex>"
// tcx_helper attach <ifname> <ingress|egress> <obj> <pin dir>
//                                                append the object's program to the tcx chain,
//                                                pin the link (<dir>/link) and map (<dir>/map)
// tcx_helper count-pin <pinned map>              u64 at key 0
// tcx_helper count-prog <prog id>                u64 at key 0 of the program's first map
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { TCX_INGRESS = 46, TCX_EGRESS = 47 };  // newer than Debian 12's uapi headers

static int die(const char* what) {
  fprintf(stderr, "tcx_helper: %s: %s\n", what, strerror(errno));
  return 1;
}

static int count_fd(int map_fd) {
  __u32 key = 0;
  __u64 v = 0;
  if (bpf_map_lookup_elem(map_fd, &key, &v)) return die("map lookup");
  printf("%llu\n", (unsigned long long)v);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && !strcmp(argv[1], "chain")) {
    unsigned ifindex = if_nametoindex(argv[2]);
    if (!ifindex) return die(argv[2]);
    const int types[2] = {TCX_INGRESS, TCX_EGRESS};
    for (int t = 0; t < 2; t++) {
      __u32 ids[64], cnt = 64, flags = 0;
      if (bpf_prog_query(ifindex, types[t], 0, &flags, ids, &cnt)) return die("bpf_prog_query");
      for (__u32 i = 0; i < cnt; i++) {
        struct bpf_prog_info info = {0};
        __u32 len = sizeof(info);
        int fd = bpf_prog_get_fd_by_id(ids[i]);
        if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) return die("prog info");
        close(fd);
        printf("%s %u %s\n", t ? "egress" : "ingress", ids[i], info.name);
      }
    }
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "link")) {
    int fd = bpf_obj_get(argv[2]);
    struct bpf_link_info info = {0};
    __u32 len = sizeof(info);
    if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) return die(argv[2]);
    printf("%u %u %u\n", info.id, info.prog_id, info.xdp.ifindex);  // tcx.ifindex: same offset
    return 0;
  }
  if (argc == 6 && !strcmp(argv[1], "attach")) {
    unsigned ifindex = if_nametoindex(argv[2]);
    if (!ifindex) return die(argv[2]);
    struct bpf_object* obj = bpf_object__open_file(argv[4], NULL);
    if (!obj || bpf_object__load(obj)) return die("load object");
    struct bpf_program* prog = bpf_object__next_program(obj, NULL);
    struct bpf_map* map = bpf_object__next_map(obj, NULL);
    int link = bpf_link_create(bpf_program__fd(prog), ifindex,
                               !strcmp(argv[3], "egress") ? TCX_EGRESS : TCX_INGRESS, NULL);
    if (link < 0) return die("tcx link_create");
    char path[512];
    snprintf(path, sizeof(path), "%s/link", argv[5]);
    if (bpf_obj_pin(link, path)) return die(path);
    snprintf(path, sizeof(path), "%s/map", argv[5]);
    if (bpf_obj_pin(bpf_map__fd(map), path)) return die(path);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "count-pin")) {
    int fd = bpf_obj_get(argv[2]);
    if (fd < 0) return die(argv[2]);
    return count_fd(fd);
  }
  if (argc == 3 && !strcmp(argv[1], "count-prog")) {
    int fd = bpf_prog_get_fd_by_id(strtoul(argv[2], NULL, 10));
    __u32 map_ids[4] = {0};
    struct bpf_prog_info info = {0};
    __u32 len = sizeof(info);
    info.nr_map_ids = 4;
    info.map_ids = (__u64)(unsigned long)map_ids;
    if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) || info.nr_map_ids < 1) return die("prog maps");
    int map_fd = bpf_map_get_fd_by_id(map_ids[0]);
    if (map_fd < 0) return die("map fd");
    return count_fd(map_fd);
  }
  fprintf(stderr, "tcx_helper: bad arguments\n");
  return 2;
}
