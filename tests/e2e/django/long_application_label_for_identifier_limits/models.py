# Models whose tables, M2M tables, indexes and constraints Django names past
# PostgreSQL's 63 bytes: the app label alone has 44 characters.
from django.db import models


class WarehouseLocationWithAnExceptionallyDescriptiveName(models.Model):
    name_of_the_location_as_printed_on_the_shipping_documents = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["id"]


class InventoryItemTrackedAcrossEveryWarehouseLocationA(models.Model):
    title = models.CharField(max_length=80, db_index=True)
    quantity_on_hand_as_counted_at_the_last_full_stock_take = models.IntegerField(default=0)
    home_location = models.ForeignKey(
        WarehouseLocationWithAnExceptionallyDescriptiveName, on_delete=models.CASCADE,
        related_name="items_a")
    also_stocked_at_these_locations = models.ManyToManyField(
        WarehouseLocationWithAnExceptionallyDescriptiveName, related_name="also_a")

    class Meta:
        indexes = [models.Index(fields=["title", "quantity_on_hand_as_counted_at_the_last_full_stock_take"])]
        constraints = [models.CheckConstraint(
            check=models.Q(quantity_on_hand_as_counted_at_the_last_full_stock_take__gte=0),
            name="inventory_item_quantity_on_hand_must_never_be_negative_in_any_location")]


class InventoryItemTrackedAcrossEveryWarehouseLocationB(models.Model):
    title = models.CharField(max_length=80)
    home_location = models.ForeignKey(
        WarehouseLocationWithAnExceptionallyDescriptiveName, on_delete=models.PROTECT,
        related_name="items_b")
