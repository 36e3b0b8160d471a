"""
Scores as pictures: the numbers behind the server-rendered SVG charts.

Each chart is a small dataclass that turns scores into coordinates in a fixed
viewBox; templates/includes/*_chart.html draw them as inline SVG (no
JavaScript, coloured by the stylesheet so dark mode applies) next to a table of
the same numbers for screen readers and anyone who prefers figures.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

MAX_SCORE = 10


@dataclass
class Frame:
    """A chart's viewBox and the plot area inside its margins."""

    width: int = 640
    height: int = 220
    left: int = 36
    right: int = 14
    top: int = 14
    bottom: int = 34

    @property
    def plot_width(self):
        return self.width - self.left - self.right

    @property
    def plot_height(self):
        return self.height - self.top - self.bottom

    @property
    def plot_right(self):
        return self.width - self.right

    @property
    def baseline(self):
        return self.top + self.plot_height

    def y(self, score):
        """The height of a score from 0 (baseline) to 10 (top)."""
        return round(self.baseline - float(score) / MAX_SCORE * self.plot_height, 1)

    def gridlines(self):
        return [{"label": value, "y": self.y(value)} for value in range(0, 11, 2)]


@dataclass
class ScoreDistribution:
    """How often each score was given: for an author's "how I score"."""

    counts: dict  # score (Decimal) -> number of reviews
    frame: Frame = field(default_factory=lambda: Frame(height=200, left=14))

    @classmethod
    def of(cls, reviews):
        """From a queryset of reviews, in one query of at most 21 rows."""
        rows = (
            reviews.filter(score__isnull=False)
            .order_by()
            .values("score")
            .annotate(count=Count("pk"))
        )
        return cls({row["score"]: row["count"] for row in rows})

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def median(self):
        """The middle score (the mean of the two middle ones for an even count),
        or None without scores."""
        if not self.counts:
            return None
        scores = [
            score for score in sorted(self.counts) for _ in range(self.counts[score])
        ]
        return Decimal(statistics.median(scores))

    @property
    def mean(self):
        if not self.counts:
            return None
        total = sum(score * count for score, count in self.counts.items())
        return total / self.total

    def rows(self):
        """(score, count) from the lowest score given."""
        return sorted(self.counts.items())

    def buckets(self):
        """Eleven whole points, 0 to 10; a half point counts with the point below."""
        counts = [0] * (MAX_SCORE + 1)
        for score, count in self.counts.items():
            counts[int(score)] += count
        return counts

    def bars(self):
        frame, counts = self.frame, self.buckets()
        tallest = max(counts) or 1
        width = frame.plot_width / len(counts)
        bars = []
        for point, count in enumerate(counts):
            height = round(count / tallest * frame.plot_height, 1)
            bars.append(
                {
                    "point": point,
                    "count": count,
                    "x": round(frame.left + point * width + 2, 1),
                    "width": round(width - 4, 1),
                    "y": round(frame.baseline - height, 1),
                    "height": height,
                    "centre": round(frame.left + (point + 0.5) * width, 1),
                    "label_y": round(frame.baseline - height - 6, 1),
                }
            )
        return bars

    def median_x(self):
        """Where the median falls on the bars' scale."""
        if self.median is None:
            return None
        width = self.frame.plot_width / (MAX_SCORE + 1)
        return round(self.frame.left + (float(self.median) + 0.5) * width, 1)


@dataclass
class EpisodePoint:
    number: int
    scores: list
    x: float
    y: float

    @property
    def mean(self):
        return statistics.mean(self.scores)


@dataclass
class EpisodeScoreChart:
    """Our score for every reviewed episode of a show: one point per episode
    (the mean when several reviews exist, with each review's score beside it),
    joined by a line."""

    points: list
    frame: Frame

    @classmethod
    def of(cls, reviews, frame=None):
        """From published reviews (already fetched); season reviews and reviews
        without a score are not episode points."""
        frame = frame or Frame()
        scores = defaultdict(list)
        for review in reviews:
            if review.episode_id and review.score is not None:
                scores[review.episode.number].append(review.score)
        numbers = sorted(scores)
        if not numbers:
            return cls([], frame)
        first, last = numbers[0], numbers[-1]
        span = last - first

        # Points stay clear of the axis labels and the right edge.
        inset = 18
        width = frame.plot_width - 2 * inset

        def x(number):
            if not span:
                return frame.left + frame.plot_width / 2
            return round(frame.left + inset + (number - first) / span * width, 1)

        means = {number: statistics.mean(scores[number]) for number in numbers}
        points = [
            EpisodePoint(number, scores[number], x(number), frame.y(means[number]))
            for number in numbers
        ]
        return cls(points, frame)

    @property
    def line(self):
        """The SVG polyline through the episode points."""
        return " ".join(f"{point.x},{point.y}" for point in self.points)

    def reviews(self):
        """Each review's own dot, for episodes with several reviews."""
        return [
            {
                "number": point.number,
                "score": score,
                "x": point.x,
                "y": self.frame.y(score),
            }
            for point in self.points
            if len(point.scores) > 1
            for score in point.scores
        ]

    def labels(self):
        """Episode numbers under the axis; every n-th when there are many."""
        step = max(1, -(-len(self.points) // 13))
        return self.points[::step]

    @property
    def has_several_reviews(self):
        return any(len(point.scores) > 1 for point in self.points)
