# The tsbuild executor image: a drop-in for gcr.io/kaniko-project/executor:debug in CI pods.
#
#   npm ci && npm run build
#   tsbuild --context . --destination registry.example.com/tools/tsbuild:0.1.0
#   (or docker build / buildah bud / kaniko; any builder works)
#
# What it gives a pipeline, where kaniko's debug image gave the same:
#   /busybox            a static busybox and its applets, for Jenkins `sh` steps (on PATH)
#   /kaniko/executor    tsbuild, so Jenkinsfiles that call /kaniko/executor keep working
#   /kaniko/.docker/    where registry credentials are mounted (DOCKER_CONFIG)
#   /kaniko             tsbuild's work dir (TSBUILD_WORK_DIR); every build's files live in one
#                       directory under it, removed when the build ends
#   /workspace          the default context and working directory
# Unlike kaniko, tsbuild never touches /busybox or /workspace: it builds in its own rootfs
# directories, so it can run any number of times in the same container.
#
# BASE must be a Debian-based Node 20+ image; what the image needs beyond that (the
# sandbox's util-linux, mount and perl-base, attr for xattrs, busybox-static, git and
# openssh-client for ADD of a repository and --ssh, zstd for zstd layers, CA certificates) is
# installed with apt when the base lacks it. Tests build this file from a base made offline,
# which has it all.
ARG BASE=docker.io/library/node:20-bookworm-slim
FROM ${BASE}

# Node trusts the system CA bundle too (a corporate CA added there is trusted by tsbuild's
# registry connections and by ADD downloads), as kaniko trusts /kaniko/ssl/certs.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt

# The sandbox's tools and CA certificates (from apt when the base lacks them), /busybox with every
# applet, and the kaniko-compatible paths. tsbuild itself needs no node_modules: `npm run build`
# bundles it and its dependencies into dist/cli/tsbuild.mjs.
RUN set -eu; \
    need=""; \
    for pair in unshare:util-linux setpriv:util-linux mount:mount perl:perl-base getfattr:attr busybox:busybox-static git:git ssh:openssh-client zstd:zstd; do \
      command -v "${pair%%:*}" >/dev/null 2>&1 || need="$need ${pair#*:}"; \
    done; \
    [ -s /etc/ssl/certs/ca-certificates.crt ] || need="$need ca-certificates"; \
    if [ -n "$need" ]; then \
      apt-get update; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $need; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    mkdir /busybox; \
    cp "$(command -v busybox)" /busybox/busybox; \
    for applet in $(/busybox/busybox --list); do \
      [ "$applet" = busybox ] || ln -s busybox "/busybox/$applet"; \
    done; \
    ln -s /tsbuild/bin/tsbuild /usr/local/bin/tsbuild; \
    mkdir -p /kaniko/.docker /workspace; \
    ln -s /tsbuild/bin/tsbuild /kaniko/executor

# The bundled program (.dockerignore lets through only package.json, bin/ and the bundle).
COPY . /tsbuild/

ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/busybox \
    DOCKER_CONFIG=/kaniko/.docker/ \
    TSBUILD_WORK_DIR=/kaniko \
    HOME=/root
WORKDIR /workspace
ENTRYPOINT ["tsbuild"]
