from django.urls import path

from . import views

app_name = "dispatch"

urlpatterns = [
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/agenda/new/", views.AgendaItemAddView.as_view(), name="agenda_item_add"),
    path("agenda-items/<int:pk>/decide/", views.AgendaItemDecideView.as_view(), name="agenda_item_decide"),
    path("action-items/", views.ActionItemListView.as_view(), name="action_item_list"),
    path("action-items/new/", views.ActionItemCreateView.as_view(), name="action_item_create"),
    path("action-items/<int:pk>/", views.ActionItemDetailView.as_view(), name="action_item_detail"),
    path(
        "action-items/<int:pk>/complete/",
        views.ActionItemCompleteView.as_view(),
        name="action_item_complete",
    ),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
]
