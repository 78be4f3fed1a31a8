# A Django 3.2 project whose date and time lookups run through the
# functions Django's SQLite backend registers (django_date_extract,
# django_datetime_trunc, django_format_dtdelta, ...): migrate, rows
# created, then every lookup, Trunc/Extract, F() arithmetic with durations,
# aggregates, dates()/datetimes() and updates. Prints each result; the e2e
# test compares the output on SQLite and on the postgres route. Any error
# is printed and makes the exit status 1.
#
# usage: app.py WORKDIR naive|aware
import datetime
import os
import sys
import traceback

import django
from django.conf import settings

workdir, mode = sys.argv[1], sys.argv[2]
aware = mode == "aware"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
settings.configure(
    INSTALLED_APPS=["calendar_app"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3",
                           "NAME": os.path.join(workdir, "dates_%s.sqlite3" % mode)}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    MIGRATION_MODULES={"calendar_app": None},
    USE_TZ=aware,
    TIME_ZONE="America/New_York",
)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import (Avg, Count, DurationField, ExpressionWrapper, F, Max, Min, Q,  # noqa: E402
                              Sum, Value)
from django.db.models.functions import (Extract, ExtractDay, ExtractHour, ExtractIsoWeekDay,  # noqa: E402
                                        ExtractIsoYear, ExtractMinute, ExtractMonth,
                                        ExtractQuarter, ExtractSecond, ExtractWeek,
                                        ExtractWeekDay, ExtractYear, Trunc, TruncDate,
                                        TruncDay, TruncHour, TruncMinute, TruncMonth,
                                        TruncQuarter, TruncSecond, TruncTime, TruncWeek,
                                        TruncYear)
from django.utils import timezone  # noqa: E402

from calendar_app.models import Event  # noqa: E402

errors = 0


def show(label, make):
    """Prints label and what make() returns; an error is printed and counted."""
    global errors
    try:
        value = make()
        if hasattr(value, "__iter__") and not isinstance(value, (str, bytes, dict)):
            value = list(value)
        print(label, "=", fmt(value))
    except Exception as e:  # noqa: BLE001 (every error is reported)
        errors += 1
        print(label, "ERROR", type(e).__name__, e)
        traceback.print_exc(file=sys.stdout)


def fmt(v):
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join("%s: %s" % (k, fmt(v[k])) for k in sorted(v)) + "}"
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, datetime.timedelta):
        return "td(%d,%d,%d)" % (v.days, v.seconds, v.microseconds)
    if isinstance(v, float):
        return repr(round(v, 9))
    return repr(v)


call_command("migrate", run_syncdb=True, verbosity=0)


def when(*args):
    d = datetime.datetime(*args)
    return timezone.make_aware(d) if aware else d


rows = [
    ("new-year", datetime.date(2024, 1, 1), when(2024, 1, 1, 0, 30, 15), when(2024, 1, 1, 8),
     when(2024, 1, 1, 17, 45), datetime.timedelta(hours=9, minutes=45), datetime.time(9, 15), 3),
    ("leap", datetime.date(2024, 2, 29), when(2024, 2, 29, 23, 59, 59, 999999),
     when(2024, 2, 28, 22), when(2024, 3, 1, 2, 30), datetime.timedelta(days=2, seconds=1),
     datetime.time(23, 59, 59, 500000), 7),
    ("summer", datetime.date(2023, 7, 14), when(2023, 7, 14, 12, 5), when(2023, 7, 14, 12),
     when(2023, 7, 14, 12, 0, 0, 250000), datetime.timedelta(microseconds=250000),
     datetime.time(12, 0), 1),
    ("dst", datetime.date(2023, 3, 12), when(2023, 3, 12, 6, 59), when(2023, 3, 11, 23),
     when(2023, 3, 12, 3, 15), datetime.timedelta(days=-1, hours=20), datetime.time(0, 0, 1), 5),
    ("year-end", datetime.date(2022, 12, 31), when(2022, 12, 31, 23, 0), when(2022, 12, 31, 20),
     when(2023, 1, 1, 1), datetime.timedelta(weeks=3), datetime.time(18, 30, 45), 2),
    ("week53", datetime.date(2020, 12, 31), when(2021, 1, 3, 10, 10), when(2021, 1, 3, 9),
     when(2021, 1, 3, 9, 1), datetime.timedelta(minutes=1), datetime.time(7, 7, 7), 4),
]
for name, day, dt, start, end, length, at, score in rows:
    Event.objects.create(name=name, day=day, dt=dt, start=start, end=end, length=length, at=at,
                         score=score)


def names(qs):
    return [e.name for e in qs.order_by("id")]


E = Event.objects
show("count", lambda: E.count())
show("all", lambda: E.order_by("id").values_list("name", "day", "dt", "length", "at"))
# Lookups on a DateTimeField, a DateField and a TimeField.
for lookup, value in [("dt__year", 2024), ("dt__year__gte", 2023), ("dt__month", 1),
                      ("dt__month__in", [2, 3]), ("dt__day", 31), ("dt__day__lt", 13),
                      ("dt__week_day", 2), ("dt__iso_week_day", 7), ("dt__week", 53),
                      ("dt__quarter", 1), ("dt__iso_year", 2020),
                      ("dt__date", datetime.date(2024, 2, 29)),
                      ("dt__date__gt", datetime.date(2023, 7, 14)),
                      ("dt__time", datetime.time(12, 5)),
                      ("dt__time__lt", datetime.time(10, 0)), ("dt__hour", 23),
                      ("dt__hour__gte", 12), ("dt__minute", 59), ("dt__second", 59),
                      ("day__year", 2023), ("day__month", 12), ("day__day", 29),
                      ("day__week_day", 1), ("day__week", 52), ("day__quarter", 3),
                      ("day__gt", datetime.date(2023, 7, 14)),
                      ("day__range", (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))),
                      ("at__hour", 12), ("at__minute", 59), ("at__second", 1),
                      ("at__gt", datetime.time(12, 0)),
                      ("length__gt", datetime.timedelta(hours=1)),
                      ("length__lt", datetime.timedelta(0)),
                      ("dt__gt", when(2023, 7, 14, 12, 5)),
                      ("dt__range", (when(2023, 1, 1), when(2023, 12, 31, 23, 59)))]:
    show("filter " + lookup, lambda: names(E.filter(**{lookup: value})))
# Trunc and Extract, annotated and grouped.
for kind in ["year", "quarter", "month", "week", "day", "hour", "minute", "second"]:
    show("trunc dt " + kind, lambda: E.annotate(t=Trunc("dt", kind)).order_by("id")
         .values_list("name", "t"))
for kind in ["year", "quarter", "month", "week", "day"]:
    show("trunc day " + kind, lambda: E.annotate(t=Trunc("day", kind)).order_by("id")
         .values_list("t", flat=True))
for kind in ["hour", "minute", "second"]:
    show("trunc at " + kind, lambda: E.annotate(t=Trunc("at", kind)).order_by("id")
         .values_list("t", flat=True))
show("trunc functions", lambda: E.annotate(
    y=TruncYear("dt"), q=TruncQuarter("dt"), m=TruncMonth("dt"), w=TruncWeek("dt"),
    d=TruncDay("dt"), h=TruncHour("dt"), mi=TruncMinute("dt"), s=TruncSecond("dt"),
    date=TruncDate("dt"), time=TruncTime("dt")).order_by("id")
    .values_list("y", "q", "m", "w", "d", "h", "mi", "s", "date", "time"))
for kind in ["year", "iso_year", "quarter", "month", "week", "day", "week_day",
             "iso_week_day", "hour", "minute", "second"]:
    show("extract dt " + kind, lambda: E.annotate(x=Extract("dt", kind)).order_by("id")
         .values_list("x", flat=True))
show("extract functions", lambda: E.annotate(
    y=ExtractYear("day"), iy=ExtractIsoYear("day"), q=ExtractQuarter("day"),
    m=ExtractMonth("day"), w=ExtractWeek("day"), d=ExtractDay("day"), wd=ExtractWeekDay("day"),
    iwd=ExtractIsoWeekDay("day"), h=ExtractHour("at"), mi=ExtractMinute("at"),
    s=ExtractSecond("at")).order_by("id")
    .values_list("y", "iy", "q", "m", "w", "d", "wd", "iwd", "h", "mi", "s"))
show("group by month", lambda: E.annotate(m=TruncMonth("dt")).values("m")
     .annotate(n=Count("id"), total=Sum("score")).order_by("m"))
show("group by year", lambda: E.values("dt__year").annotate(n=Count("id")).order_by("-dt__year"))
show("group by week", lambda: E.annotate(w=ExtractWeek("dt")).values("w")
     .annotate(n=Count("id")).order_by("w"))
show("order by hour", lambda: E.annotate(h=ExtractHour("dt")).order_by("h", "-id")
     .values_list("name", "h"))
show("order by date", lambda: E.order_by(TruncDate("dt").desc(), "name").values_list("name", flat=True))
# F() with durations.
DT = django.db.models.DateTimeField()
show("dt plus", lambda: E.annotate(t=ExpressionWrapper(F("dt") + datetime.timedelta(days=3, hours=2),
                                                       output_field=DT))
     .order_by("id").values_list("t", flat=True))
show("dt minus", lambda: E.annotate(t=ExpressionWrapper(F("dt") - datetime.timedelta(minutes=90),
                                                        output_field=DT))
     .order_by("id").values_list("t", flat=True))
show("day plus", lambda: E.annotate(
    t=ExpressionWrapper(F("day") + datetime.timedelta(days=1), output_field=django.db.models.DateField()))
    .order_by("id").values_list("t", flat=True))
show("dt plus length", lambda: E.annotate(t=ExpressionWrapper(F("start") + F("length"), output_field=DT))
     .order_by("id")
     .values_list("t", flat=True))
spent = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
show("end minus start", lambda: E.annotate(s=spent).order_by("id").values_list("s", flat=True))
show("filter spent", lambda: names(E.annotate(s=spent).filter(s__gt=datetime.timedelta(hours=2))))
show("filter end gt start plus length", lambda: names(E.filter(end__gt=F("start") + F("length"))))
show("filter dt lt end minus", lambda: names(E.filter(
    dt__lt=F("end") - datetime.timedelta(hours=1))))
show("length plus", lambda: E.annotate(t=F("length") + datetime.timedelta(seconds=30))
     .order_by("id").values_list("t", flat=True))
show("aggregate durations", lambda: E.aggregate(
    total=Sum("length"), mean=Avg("length"), most=Max("length"), least=Min("length"),
    spent=Sum(spent), first=Min("dt"), last=Max("day")))
show("aggregate by year", lambda: E.values("day__year").annotate(
    total=Sum("length"), mean=Avg("length"), n=Count("id")).order_by("day__year"))
# dates() and datetimes().
for kind in ["year", "month", "week", "day"]:
    show("dates " + kind, lambda: E.dates("day", kind))
    show("dates dt " + kind, lambda: E.dates("dt", kind, order="DESC"))
for kind in ["year", "month", "day", "hour", "minute", "second"]:
    show("datetimes " + kind, lambda: E.datetimes("dt", kind))
show("datetimes filtered", lambda: E.filter(dt__year__lt=2024).datetimes("start", "hour"))
show("exists", lambda: E.filter(Q(dt__month=7) | Q(day__week_day=7)).exists())
show("in values", lambda: names(E.filter(dt__year__in=E.filter(score__gt=4).values("dt__year"))))
# The other functions Django registers: math, text, hashes, regexp,
# variance aggregates; casts and windows over dates.
from django.db.models import StdDev, Variance, Window  # noqa: E402
from django.db.models.functions import (Cast, Greatest, LPad, Least, MD5, Mod, Power,  # noqa: E402
                                        Rank, Repeat, Reverse, SHA1, SHA256, Sqrt)
show("math", lambda: E.annotate(p=Power("score", 2), r=Sqrt("score"), m=Mod("score", 3))
     .order_by("id").values_list("p", "r", "m"))
show("text", lambda: E.annotate(l=LPad("name", 10, Value(".")), rv=Reverse("name"),
                                rp=Repeat("name", 2)).order_by("id").values_list("l", "rv", "rp"))
show("hashes", lambda: E.annotate(a=MD5("name"), b=SHA1("name"), c=SHA256("name"))
     .order_by("id").values_list("a", "b", "c"))
show("regex", lambda: names(E.filter(name__regex=r"^[a-z]+-[a-z]+$")))
show("iregex", lambda: names(E.filter(name__iregex=r"^S|K$")))
show("variance", lambda: E.aggregate(v=Variance("score"), sd=StdDev("score"),
                                     vs=Variance("score", sample=True)))
show("cast date", lambda: E.annotate(c=Cast("dt", django.db.models.DateField()))
     .order_by("id").values_list("c", flat=True))
show("greatest", lambda: E.annotate(g=Greatest("start", "dt"), l=Least("end", "dt"))
     .order_by("id").values_list("g", "l"))
show("rank by month", lambda: E.annotate(r=Window(Rank(), partition_by=ExtractYear("dt"),
                                                  order_by=F("dt").asc()))
     .order_by("id").values_list("name", "r"))
show("update trunc", lambda: E.filter(name="summer").update(start=Trunc("start", "day")))
show("after trunc", lambda: E.filter(name="summer").values_list("start", flat=True))
# Writes with the same functions.
show("update plus", lambda: E.filter(dt__year=2024).update(dt=F("dt") + datetime.timedelta(hours=12)))
show("after update", lambda: E.order_by("id").values_list("dt", flat=True))
show("update length", lambda: E.filter(length__lt=datetime.timedelta(hours=1)).update(
    length=F("length") + datetime.timedelta(minutes=5)))
show("after length", lambda: E.order_by("id").values_list("length", flat=True))
show("update by month", lambda: E.filter(day__month__in=[1, 7]).update(score=F("score") + 10))
show("delete by hour", lambda: E.filter(dt__hour=23).delete())
show("left", lambda: E.order_by("id").values_list("name", "score"))
with connection.cursor() as c:
    c.execute("SELECT name, dt FROM calendar_app_event ORDER BY id")
    show("raw", lambda: c.fetchall())
print("errors", errors)
print("done")
sys.exit(1 if errors else 0)
