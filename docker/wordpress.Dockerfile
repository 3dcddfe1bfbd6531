# syntax=docker/dockerfile:1
#
# A WordPress to try IGNY8 with: the official image with the built IGNY8
# Bridge plugin in its plugins folder, served by Apache as www-data. Built from
# the repository root after `npm run build` (or `npm run plugin:zip`), which
# writes the installable plugin to dist/igny8-bridge.zip:
#
#   docker build -f docker/wordpress.Dockerfile -t igny8/wordpress:local .

# --- plugin: the distributed zip, unpacked ----------------------------------
FROM busybox:1.37.0 AS plugin
COPY dist/igny8-bridge.zip /tmp/igny8-bridge.zip
RUN mkdir -p /out && unzip -q /tmp/igny8-bridge.zip -d /out \
    && test -f /out/igny8-bridge/igny8-bridge.php

# --- runtime -----------------------------------------------------------------
FROM wordpress:6.8.3-php8.3-apache AS runtime
# The image copies /usr/src/wordpress into its volume on first start: the
# plugin arrives with WordPress, ready to activate under Plugins.
COPY --from=plugin --chown=www-data:www-data /out/igny8-bridge /usr/src/wordpress/wp-content/plugins/igny8-bridge
# Apache as www-data instead of root: an unprivileged port, so 8080.
RUN sed -ri 's/^Listen 80$/Listen 8080/' /etc/apache2/ports.conf \
    && sed -ri 's/<VirtualHost \*:80>/<VirtualHost *:8080>/' /etc/apache2/sites-available/000-default.conf
USER www-data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/wp-includes/images/blank.gif"]
