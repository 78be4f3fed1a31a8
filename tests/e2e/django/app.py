# A small Django project whose app label and model names make identifiers
# past PostgreSQL's 63 bytes: makemigrations, migrate, then rows created and
# read back with annotations and ordering. Prints what it sees; the e2e
# test compares the output on SQLite and on the postgres route.
import os
import sys

import django
from django.conf import settings

workdir = sys.argv[1]
sys.path.insert(0, workdir)
settings.configure(
    INSTALLED_APPS=["long_application_label_for_identifier_limits"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3",
                           "NAME": os.path.join(workdir, "db.sqlite3")}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    USE_TZ=False,
)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, IntegrityError, transaction  # noqa: E402
from django.db.models import Count, F, Sum  # noqa: E402

from long_application_label_for_identifier_limits.models import (  # noqa: E402
    InventoryItemTrackedAcrossEveryWarehouseLocationA as A,
    InventoryItemTrackedAcrossEveryWarehouseLocationB as B,
    WarehouseLocationWithAnExceptionallyDescriptiveName as Loc,
)

call_command("makemigrations", "long_application_label_for_identifier_limits", verbosity=0)
call_command("migrate", verbosity=0)

tables = sorted(t for t in connection.introspection.table_names() if t.startswith("long_"))
for t in tables:
    print("table", len(t), t)
    with connection.cursor() as c:
        cols = [d.name for d in connection.introspection.get_table_description(c, t)]
        print("  columns", cols)

north = Loc.objects.create(name_of_the_location_as_printed_on_the_shipping_documents="north")
south = Loc.objects.create(name_of_the_location_as_printed_on_the_shipping_documents="south")
east = Loc.objects.create(name_of_the_location_as_printed_on_the_shipping_documents="east")
for i, (title, qty, home) in enumerate([("bolt", 40, north), ("nut", 15, north),
                                        ("gear", 3, south), ("axle", 7, east)]):
    a = A.objects.create(title=title, quantity_on_hand_as_counted_at_the_last_full_stock_take=qty,
                         home_location=home)
    a.also_stocked_at_these_locations.set([north, south, east][: i % 3 + 1])
    B.objects.create(title=title + "-b", home_location=home)

rows = (Loc.objects.annotate(n_items=Count("items_a", distinct=True),
                             stock=Sum("items_a__quantity_on_hand_as_counted_at_the_last_full_stock_take"))
        .order_by("-stock", "name_of_the_location_as_printed_on_the_shipping_documents"))
for loc in rows:
    print("location", loc.name_of_the_location_as_printed_on_the_shipping_documents, loc.n_items,
          loc.stock)
for a in A.objects.annotate(places=Count("also_stocked_at_these_locations")).order_by("-places", "title"):
    print("item", a.title, a.places,
          sorted(l.name_of_the_location_as_printed_on_the_shipping_documents
                 for l in a.also_stocked_at_these_locations.all()))
A.objects.filter(title="nut").update(
    quantity_on_hand_as_counted_at_the_last_full_stock_take=F(
        "quantity_on_hand_as_counted_at_the_last_full_stock_take") * 2)
print("nut", A.objects.get(title="nut").quantity_on_hand_as_counted_at_the_last_full_stock_take)
print("b by home", list(B.objects.filter(home_location__in=[north, east]).order_by("-title")
                        .values_list("title", "home_location__name_of_the_location_as_printed_on_the_shipping_documents")))

for label, make in [
        ("duplicate location", lambda: Loc.objects.create(
            name_of_the_location_as_printed_on_the_shipping_documents="north")),
        ("negative stock", lambda: A.objects.create(
            title="bad", quantity_on_hand_as_counted_at_the_last_full_stock_take=-1,
            home_location=north))]:
    try:
        with transaction.atomic():
            make()
        print(label, "accepted")
    except IntegrityError as e:
        print(label, "refused:", e)

B.objects.filter(home_location=south).delete()
south.delete()
print("after delete", A.objects.count(), B.objects.count(),
      A.also_stocked_at_these_locations.through.objects.count())
print("done")
