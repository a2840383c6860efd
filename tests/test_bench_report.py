"""The benchmark's targets table: which HTTP rounds are judged against the latency targets."""
from __future__ import annotations

from typing import Any

from bench.report import target_lines


def _lat(p50: float, p95: float, p99: float, **extra: Any) -> dict[str, Any]:
    return {"p50": p50, "p95": p95, "p99": p99, **extra}


def _results(cached_p95: float, paced_p95: float) -> dict[str, Any]:
    size = {"corpus": {"text_mb": 100.0},
            "modusearch": {"docs_per_s": 450.0, "rebuild_s": 200.0, "update_s": 8.0, "index_mb": 170.0,
                           "http": _lat(30.0, 90.0, 110.0, qps=220.0),
                           "http_paced": _lat(11.0, paced_p95, 30.0, offered_qps=100.0),
                           "http_cached": _lat(3.0, cached_p95, 9.0, qps=2200.0),
                           "suggest": _lat(2.0, 7.0, 8.0, paced=_lat(1.0, 2.0, 3.0, offered_qps=100.0)),
                           "web_peak_pss_mb": 440.0, "web_peak_mb": 650.0}}
    return {"sizes": {"100000": size}}


def _verdicts(lines: list[str]) -> dict[str, str]:
    rows = [line.strip("|").split("|") for line in lines[2:]]
    return {name.strip(): met.strip() for name, _, met in rows}


def test_production_and_paced_rounds_are_judged_the_stress_round_only_shown() -> None:
    verdicts = _verdicts(target_lines(_results(cached_p95=7.0, paced_p95=24.0)))
    production = [v for k, v in verdicts.items() if "production server" in k]
    paced = [v for k, v in verdicts.items() if "at 100 q/s" in k and k.startswith("HTTP p")]
    stress = [v for k, v in verdicts.items() if "stress test" in k]
    assert production == ["yes"] * 3 and paced == ["yes"] * 3 and stress == ["–"] * 3
    assert verdicts["rebuild ≥ 400 docs/s"] == "yes" and verdicts["update 1% < 5% of rebuild"] == "yes"


def test_a_slow_round_fails_its_target() -> None:
    verdicts = _verdicts(target_lines(_results(cached_p95=60.0, paced_p95=80.0)))
    assert verdicts["HTTP p95 ≤ 50 ms (production server, result cache on, 8 clients flat out)"] == "**no**"
    assert verdicts["HTTP p95 ≤ 50 ms (result cache off, at 100 q/s)"] == "**no**"
