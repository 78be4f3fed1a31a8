# Models with every date and time field Django stores as text on SQLite.
from django.db import models


class Event(models.Model):
    name = models.CharField(max_length=40)
    day = models.DateField()
    dt = models.DateTimeField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    length = models.DurationField()
    at = models.TimeField()
    score = models.IntegerField(default=0)

    class Meta:
        ordering = ["id"]
