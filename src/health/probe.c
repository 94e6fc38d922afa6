/* spur-probe: the health check Spur mounts into every task (read-only, at /spur/probe), so HTTP
 * and TCP checks work in any image, even one without a shell or curl. Statically linked.
 *
 *   spur-probe tcp  <port>          exit 0 when 127.0.0.1:<port> accepts a connection
 *   spur-probe http <port> <path>   exit 0 when GET <path> answers 2xx or 3xx
 *
 * It prints one line saying what it saw; Docker keeps it as the health check's output. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int connect_local(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct timeval tv = {.tv_sec = 10, .tv_usec = 0};
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

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: spur-probe tcp|http <port> [path]\n"); return 2; }
  int port = atoi(argv[2]);
  if (port < 1 || port > 65535) { printf("invalid port %s\n", argv[2]); return 2; }
  int fd = connect_local(port);
  if (fd < 0) { printf("nothing accepts connections on port %d\n", port); return 1; }
  if (strcmp(argv[1], "tcp") == 0) { close(fd); printf("port %d accepts connections\n", port); return 0; }
  if (strcmp(argv[1], "http") != 0 || argc < 4 || !valid_path(argv[3])) { close(fd); printf("bad probe arguments\n"); return 2; }

  char req[1200];
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: localhost\r\nUser-Agent: spur-probe\r\n\r\n", argv[3]);
  if (write(fd, req, (size_t)n) != n) { close(fd); printf("could not send the request\n"); return 1; }
  char buf[256];
  ssize_t got = 0, r;
  while (got < (ssize_t)sizeof buf - 1 && (r = read(fd, buf + got, sizeof buf - 1 - (size_t)got)) > 0) {
    got += r;
    if (memchr(buf, '\n', (size_t)got)) break;
  }
  close(fd);
  buf[got > 0 ? got : 0] = 0;
  int status = 0;
  if (sscanf(buf, "HTTP/%*s %d", &status) != 1) { printf("GET %s: no HTTP answer\n", argv[3]); return 1; }
  printf("GET %s answered %d\n", argv[3], status);
  return status >= 200 && status < 400 ? 0 : 1;
}
