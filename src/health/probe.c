/* spur-probe: the health check Spur mounts into every task (read-only, at /spur/probe), so HTTP
 * and TCP checks work in any image, even one without a shell or curl. Statically linked.
 *
 *   spur-probe tcp  <port>          exit 0 when <port> accepts connections
 *   spur-probe http <port> <path>   exit 0 when GET <path> answers 2xx or 3xx
 *   spur-probe watch <every-ms> <retries> <timeout-ms> <for-s> <start-s> tcp|http <port> [path]
 *
 * Each time Docker runs a health check it starts a process in the container, and that costs the
 * machine about a tenth of a CPU-second (dockerd, containerd, runc), far more than the check.
 * So `watch`, the form Spur's service specs use, is started often but lives long once the app
 * has answered:
 *   - Until the container's app has answered once (no mark in /dev/shm yet), it checks every
 *     100 ms and exits 0 at the first answer, so a rollout waits for the app, not for a timer;
 *     without one it exits 1 at the end of the task's start period <start-s> (whose failures
 *     Docker does not count), or after <every-ms> once that is over.
 *   - Afterwards it checks every <every-ms> (every second after a failure), exits 1 once
 *     <retries> checks in a row failed, and exits 0 after <for-s> seconds (or later, once a
 *     failing app has answered or failed <retries> times). Started again after such a failure,
 *     it exits 1 at its first failed check, or 0 at its first answer (Docker's count restarts).
 * Docker counts <retries> failed runs in a row as unhealthy (a run it could not start counts
 * as one), so a task that stops answering is replaced within about <every-ms> + <retries> s.
 * Past the start period every run that passes lasts at least <retries> seconds and every other
 * run a second, except a failed run after a failure (see main), whatever the app does to the
 * marks: an app cannot make Docker start the probe more often than about once a second.
 *
 * A TCP check asks the kernel about the listening socket instead of connecting (see check_once):
 * an idle app is not woken by it.
 *
 * It prints one line saying what it saw; Docker keeps it as the health check's output. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define ANSWERED_MARK "/dev/shm/spur-probe-answered"
#define FAILED_MARK "/dev/shm/spur-probe-failed"

struct check {
  int http;
  int port;
  const char *path;
  int timeout_ms;
};

static char seen[160];

static long long now_ms(void);

static int connect_local(int port, int timeout_ms) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int valid_path(const char *p) {
  if (p[0] != '/' || strlen(p) > 1024) return 0;
  for (; *p; p++) if (*p < 0x21 || *p > 0x7e) return 0;
  return 1;
}

/* Whether a socket of this network namespace listens on the port, asked of the kernel's socket
 * diagnostics for listening sockets only (the probe runs in the task's namespace; reading
 * /proc/net/tcp instead walks every connection of the machine): 1 listening with room in its
 * accept queue, 2 listening with a full queue (a connection would fail), 0 none, -1 when the
 * kernel does not say. */
static int listening(int port, unsigned *waiting) {
  int found = 0;
  int families[] = {AF_INET, AF_INET6};
  for (int i = 0; i < 2; i++) {
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return -1;
    struct { struct nlmsghdr head; struct inet_diag_req_v2 req; } ask = {
      .head = {.nlmsg_len = sizeof ask, .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
      .req = {.sdiag_family = (unsigned char)families[i], .sdiag_protocol = IPPROTO_TCP, .idiag_states = 1 << 10 /* TCP_LISTEN */, .id = {.idiag_sport = htons((unsigned short)port)}},
    };
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    struct timeval tv = {.tv_sec = 1};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (sendto(fd, &ask, sizeof ask, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) { close(fd); return -1; }
    for (int done = 0; !done;) {
      static long buf[4096]; /* 32 KiB, as the kernel's dumps expect */
      ssize_t n = recv(fd, buf, sizeof buf, MSG_TRUNC);
      if (n <= 0 || n > (ssize_t)sizeof buf) { close(fd); return -1; }
      for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_type == NLMSG_ERROR) { close(fd); return -1; }
        if (h->nlmsg_type == NLMSG_DONE) { done = 1; break; }
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) continue;
        struct inet_diag_msg *sock = NLMSG_DATA(h);
        if (ntohs(sock->id.idiag_sport) != port) continue;
        /* For a listening socket: connections waiting to be accepted, and the queue's length. */
        if (sock->idiag_rqueue <= sock->idiag_wqueue) { close(fd); return 1; }
        found = 2;
        *waiting = sock->idiag_rqueue;
      }
    }
    close(fd);
  }
  return found;
}

/* One check: 1 when it passed. What it saw is left in `seen`. */
static int check_once(const struct check *c) {
  /* A TCP check looks at the listening socket: a connection would fail exactly when there is none
   * or its accept queue is full (how an app that stopped accepting shows), and looking does not
   * wake the app every interval. It connects only when the kernel does not say. */
  unsigned waiting = 0;
  int listens = c->http ? -1 : listening(c->port, &waiting);
  if (listens == 0) { snprintf(seen, sizeof seen, "nothing accepts connections on port %d", c->port); return 0; }
  if (listens == 1) { snprintf(seen, sizeof seen, "port %d accepts connections", c->port); return 1; }
  if (listens == 2) { snprintf(seen, sizeof seen, "port %d does not accept connections: its queue is full (%u wait)", c->port, waiting); return 0; }
  int fd = connect_local(c->port, c->timeout_ms);
  if (fd < 0) { snprintf(seen, sizeof seen, "nothing accepts connections on port %d", c->port); return 0; }
  if (!c->http) { close(fd); snprintf(seen, sizeof seen, "port %d accepts connections", c->port); return 1; }

  char req[1200];
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: localhost\r\nUser-Agent: spur-probe\r\n\r\n", c->path);
  if (write(fd, req, (size_t)n) != n) { close(fd); snprintf(seen, sizeof seen, "could not send the request"); return 0; }
  char buf[256];
  ssize_t got = 0, r;
  long long deadline = now_ms() + c->timeout_ms;
  while (got < (ssize_t)sizeof buf - 1 && now_ms() < deadline && (r = read(fd, buf + got, sizeof buf - 1 - (size_t)got)) > 0) {
    got += r;
    if (memchr(buf, '\n', (size_t)got)) break;
  }
  close(fd);
  buf[got > 0 ? got : 0] = 0;
  int status = 0;
  if (sscanf(buf, "HTTP/%*s %d", &status) != 1) { snprintf(seen, sizeof seen, "GET %.100s: no HTTP answer", c->path); return 0; }
  snprintf(seen, sizeof seen, "GET %.100s answered %d", c->path, status);
  return status >= 200 && status < 400;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms) {
  if (ms <= 0) return;
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

/* Sets or clears a mark; a link in its place is not followed. */
static int set_mark(const char *path, int on) {
  if (!on) return unlink(path) == 0;
  int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return 0;
  close(fd);
  return 1;
}

static int has_mark(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* How long the container's first process has run, in ms; 0 when /proc does not say. */
static long long container_age_ms(void) {
  char buf[1024];
  FILE *f = fopen("/proc/1/stat", "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')'); /* the command name may hold spaces */
  if (!p) return 0;
  unsigned long long started = 0;
  int field = 2;
  for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
    if (++field == 22) { started = strtoull(tok, NULL, 10); break; }
  }
  double up = 0;
  f = fopen("/proc/uptime", "r");
  if (!f) return 0;
  int got = fscanf(f, "%lf", &up);
  fclose(f);
  long hz = sysconf(_SC_CLK_TCK);
  if (got != 1 || hz <= 0 || started == 0) return 0;
  long long age = (long long)(up * 1000) - (long long)(started * 1000 / (unsigned long long)hz);
  return age > 0 ? age : 0;
}

/* Until the first answer: exit 0 at once when it comes. */
static int await_first_answer(const struct check *c, int every_ms, int start_s, long long age_ms) {
  long long left_of_start = (long long)start_s * 1000 - age_ms;
  long long give_up = now_ms() + (left_of_start > every_ms ? left_of_start : every_ms);
  for (int tries = 0;; tries++) {
    long long started = now_ms();
    if (check_once(c)) {
      printf("%s%s\n", seen, set_mark(ANSWERED_MARK, 1) ? "" : " (could not mark " ANSWERED_MARK ")");
      return 0;
    }
    if (started >= give_up) break;
    sleep_ms((tries < 20 ? 100 : 500) - (now_ms() - started));
  }
  printf("%s\n", seen);
  return 1;
}

/* Once it has answered: stay, check, and leave on a verdict. Started after a failure, it leaves at
 * its first check: 1 if it fails (Docker counts failed runs), 0 if the app answers (Docker's count
 * starts over). */
static int watch(const struct check *c, int every_ms, int retries, int for_s, int after_failure) {
  if (after_failure) {
    int ok = check_once(c);
    if (ok) set_mark(FAILED_MARK, 0);
    printf("%s\n", seen);
    return ok ? 0 : 1;
  }
  long long until = now_ms() + (long long)for_s * 1000;
  int checks = 0, failed = 0;
  while (now_ms() < until || failed) {
    long long started = now_ms();
    checks++;
    if (check_once(c)) {
      failed = 0;
    } else if (++failed >= retries) {
      set_mark(FAILED_MARK, 1);
      printf("%s (%d checks in a row failed)\n", seen, failed);
      return 1;
    }
    long long wait = (failed ? (every_ms < 1000 ? every_ms : 1000) : every_ms) - (now_ms() - started);
    long long left = until - now_ms();
    sleep_ms(failed || wait < left ? wait : left);
  }
  printf("%s (%d checks in %d s)\n", seen, checks, for_s);
  return 0;
}

static int parse_check(struct check *c, int argc, char **argv, int at) {
  if (argc < at + 2) return 0;
  c->http = strcmp(argv[at], "http") == 0;
  if (!c->http && strcmp(argv[at], "tcp") != 0) return 0;
  c->port = atoi(argv[at + 1]);
  if (c->port < 1 || c->port > 65535) return 0;
  c->path = c->http && argc > at + 2 ? argv[at + 2] : NULL;
  return !c->http || (c->path && valid_path(c->path));
}

int main(int argc, char **argv) {
  struct check c = {.timeout_ms = 10000};
  signal(SIGPIPE, SIG_IGN); /* an app that resets the connection fails the check, not the probe */
  if (argc >= 2 && strcmp(argv[1], "watch") == 0) {
    int every_ms = argc > 2 ? atoi(argv[2]) : 0, retries = argc > 3 ? atoi(argv[3]) : 0;
    int timeout_ms = argc > 4 ? atoi(argv[4]) : 0, for_s = argc > 5 ? atoi(argv[5]) : 0;
    int start_s = argc > 6 ? atoi(argv[6]) : -1;
    if (every_ms < 100 || retries < 1 || timeout_ms < 100 || for_s < 1 || start_s < 0 || !parse_check(&c, argc, argv, 7)) { printf("bad probe arguments\n"); return 2; }
    c.timeout_ms = timeout_ms;
    long long began = now_ms(), age = container_age_ms();
    int answered = has_mark(ANSWERED_MARK), after_failure = answered && has_mark(FAILED_MARK);
    int code = answered ? watch(&c, every_ms, retries, for_s, after_failure) : await_first_answer(&c, every_ms, start_s, age);
    /* Past the start period, whatever the app does to the marks or its answers: a run that passes
       lasts <retries> seconds at least, one that fails a second, except a failed run after a failure,
       which leaves at once so that a task that stopped answering is replaced soon. Docker counts
       <retries> failed runs in a row, so at most <retries> - 1 quick runs come before a pass: Docker
       starts the probe about once a second at most. */
    if (age >= (long long)start_s * 1000) {
      long long least_ms = code == 0 ? (long long)(retries < for_s ? retries : for_s) * 1000 : after_failure ? 0 : 1000;
      sleep_ms(least_ms - (now_ms() - began));
    }
    return code;
  }
  if (argc < 3) { fprintf(stderr, "usage: spur-probe tcp|http <port> [path]\n"); return 2; }
  if (!parse_check(&c, argc, argv, 1)) { printf("bad probe arguments\n"); return 2; }
  int ok = check_once(&c);
  printf("%s\n", seen);
  return ok ? 0 : 1;
}
