"""Mounted at staff/physical/ (src/art28/urls.py)."""

from django.urls import path

from art28.physical import review_views, views

app_name = "physical"
urlpatterns = [
    path("", views.sites, name="sites"),
    path("sites/<str:code>/", views.site, name="site"),
    path("anomalies/", views.anomalies, name="anomalies"),
    path("people/<str:ref>/", views.person, name="person"),
    path("reviews/", review_views.reviews, name="reviews"),
    path("reviews/<id:pk>/", review_views.review, name="review"),
    path("reviews/<id:pk>/items/<id:item>/decide", review_views.decide, name="review_decide"),
]
