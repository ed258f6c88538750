from django.urls import path

from . import views

app_name = "seminars"

urlpatterns = [
    path("sessions/", views.webinar_list, name="list"),
    path("sessions/new/", views.webinar_schedule, name="schedule"),
    path("sessions/calendar/", views.my_calendar, name="my_calendar"),
    path("sessions/members/", views.member_suggestions, name="member_suggestions"),
    path("sessions/calendar/<str:token>.ics", views.member_ics, name="member_ics"),
    path("sessions/module/<int:module_pk>.ics", views.module_ics, name="module_ics"),
    path("sessions/<int:pk>/", views.webinar_detail, name="detail"),
    path("sessions/<int:pk>.ics", views.webinar_ics, name="ics"),
    path("sessions/<int:pk>/join/", views.webinar_join, name="join"),
    path("sessions/<int:pk>/reopen/", views.webinar_reopen, name="reopen"),
    path("sessions/<int:pk>/wait/", views.webinar_wait, name="wait"),
    path("sessions/<int:pk>/status/", views.webinar_status, name="status"),
    path("sessions/<int:pk>/edit/", views.webinar_reschedule, name="reschedule"),
    path("sessions/<int:pk>/cancel/", views.webinar_cancel, name="cancel"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("sessions/<int:pk>/recordings/<str:record_id>/", views.recording_manage, name="recording"),
]
